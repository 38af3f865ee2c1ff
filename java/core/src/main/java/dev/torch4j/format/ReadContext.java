package dev.torch4j.format;

import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.pickle.PersistentLoader;
import dev.torch4j.pickle.PickleMachine;

import java.util.List;

/**
 * What every reader of one file shares: the file name for messages, the caller's options, and how
 * deep we are inside nested {@code _load_from_bytes} payloads.
 */
final class ReadContext {
    /** Nested torch.save payloads inside payloads: real files use one level; hostile ones could recurse. */
    static final int MAX_NESTING = 4;

    /** A pickle's value and the offset just past its STOP opcode. */
    record Unpickled(Object value, long end) {}

    private final String file;
    private final LoadOptions options;
    private final int depth;

    ReadContext(String file, LoadOptions options, int depth) {
        this.file = file;
        this.options = options;
        this.depth = depth;
    }

    String file() { return file; }
    LoadOptions options() { return options; }
    int depth() { return depth; }

    /** The torch, numpy and builtin resolvers, in that order. */
    GlobalResolver resolver(List<?> tensorTable) {
        return Resolvers.standard(new TorchGlobals(this::loadNested, tensorTable));
    }

    Unpickled unpickle(ByteRegion region, long start, String entry, PersistentLoader loader, List<?> tensorTable)
            throws TorchFileException {
        PersistentLoader pl = loader != null ? loader : pid -> {
            throw new IllegalArgumentException("persistent id " + PyValues.describe(pid) + " in a plain pickle");
        };
        PickleMachine machine = new PickleMachine(region, start, new PickleMachine.Config(file, entry,
                resolver(tensorTable), pl, options.allowUnsafeGlobals(), options.limits()));
        Object value = machine.load();
        return new Unpickled(value, machine.position());
    }

    /** {@code torch.storage._load_from_bytes}: a whole torch.save payload in memory, read recursively. */
    private Object loadNested(byte[] payload) throws Exception {
        if (depth >= MAX_NESTING) {
            throw new IllegalArgumentException("torch.save payloads nested more than " + MAX_NESTING + " deep");
        }
        ReadContext inner = new ReadContext(file, options, depth + 1);
        return Readers.readNested(inner, payload).root();
    }
}
