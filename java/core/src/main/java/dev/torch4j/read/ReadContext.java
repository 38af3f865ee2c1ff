package dev.torch4j.read;

import dev.torch4j.rebuild.TorchGlobals;
import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pickle.BuildHook;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.pickle.PersistentLoader;
import dev.torch4j.pickle.PickleMachine;

import java.util.List;

/**
 * What every reader of one file shares: the file name for messages, the caller's options, and how
 * deep we are inside nested {@code _load_from_bytes} payloads.
 */
public final class ReadContext {
    /** Nested torch.save payloads inside payloads: real files use one level; hostile ones could recurse. */
    static final int MAX_NESTING = 4;
    /**
     * Nested payloads read per file, all depths together: 1,000 plus one per 256 bytes of the file.
     * Depth alone does not bound the work: one memoized payload can be loaded once per 5 pickle
     * bytes, and each load parses a whole file. Real files hold one payload per storage
     * (pickle.dump of tensors), each a whole torch.save archive of far more than 256 bytes, so a
     * genuine file stays well inside; a 1 MB fan-out of one payload stops after about 5,000 loads.
     */
    static final int MIN_NESTED_LOADS = 1_000;
    static final int FILE_BYTES_PER_NESTED_LOAD = 256;
    /**
     * Nested payload bytes per file: 64 MiB plus twice the file size. A genuine payload is stored
     * in the file (protocol 2 writes bytes as latin-1 text, at most twice as long in UTF-8), while
     * {@code _codecs.encode} can mint a fresh copy per call, each kept alive by its tensors.
     */
    static final long MIN_NESTED_BYTES = 64L << 20;

    /** Work spent on nested payloads, shared by a file's contexts at every depth, and its limits. */
    private static final class NestedBudget {
        final long maxLoads;
        final long maxBytes;
        long loads;
        long bytes;

        NestedBudget(long fileSize) {
            this.maxLoads = MIN_NESTED_LOADS + fileSize / FILE_BYTES_PER_NESTED_LOAD;
            this.maxBytes = MIN_NESTED_BYTES + 2 * fileSize;
        }
    }

    /**
     * Reads a whole torch.save payload found inside a pickle. The format package supplies it: it knows
     * every container, while the readers here must not depend on it (no package cycle).
     */
    @FunctionalInterface
    public interface NestedReader {
        LoadedFile read(ReadContext context, byte[] payload) throws TorchFileException;
    }

    /** A pickle's value and the offset just past its STOP opcode. */
    public record Unpickled(Object value, long end) {}

    private final String file;
    private final LoadOptions options;
    private final int depth;
    private final NestedBudget budget;
    private final NestedReader nestedReader;

    /** The context of a whole file of {@code fileSize} bytes (the nested-payload budget grows with it). */
    public ReadContext(String file, LoadOptions options, long fileSize, NestedReader nestedReader) {
        this(file, options, 0, new NestedBudget(fileSize), nestedReader);
    }

    private ReadContext(String file, LoadOptions options, int depth, NestedBudget budget, NestedReader nestedReader) {
        this.file = file;
        this.options = options;
        this.depth = depth;
        this.budget = budget;
        this.nestedReader = nestedReader;
    }

    public String file() { return file; }
    public LoadOptions options() { return options; }
    int depth() { return depth; }

    /** The torch, numpy and builtin resolvers, in that order. */
    GlobalResolver resolver(List<?> tensorTable) {
        return Resolvers.standard(new TorchGlobals(new NestedPayloads(this), tensorTable));
    }

    /**
     * {@code _load_from_bytes} payloads met in this context's pickle, read one level deeper. A class, not a
     * method reference: a short command's first lambda initialises java.lang.invoke (several ms of a 0.2 s
     * inspect); see docs/building.md.
     */
    private static final class NestedPayloads implements TorchGlobals.NestedPayloadLoader {
        private final ReadContext context;

        NestedPayloads(ReadContext context) {
            this.context = context;
        }

        @Override public Object load(byte[] payload) throws Exception {
            return context.loadNested(payload);
        }
    }

    /** The persistent loader of a plain pickle, which has none: any persistent id is an error (a class, not a lambda: as above). */
    private static final class NoPersistentIds implements PersistentLoader {
        static final NoPersistentIds INSTANCE = new NoPersistentIds();

        @Override public Object load(Object pid) {
            throw new IllegalArgumentException("persistent id " + PyValues.describe(pid) + " in a plain pickle");
        }
    }

    public Unpickled unpickle(ByteRegion region, long start, String entry, PersistentLoader loader, List<?> tensorTable)
            throws TorchFileException {
        return unpickle(region, start, entry, loader, tensorTable, null);
    }

    /** As above, with a hook run after every BUILD (joblib's inline arrays), or null. */
    public Unpickled unpickle(ByteRegion region, long start, String entry, PersistentLoader loader, List<?> tensorTable,
                              BuildHook hook) throws TorchFileException {
        PersistentLoader pl = loader != null ? loader : NoPersistentIds.INSTANCE;
        PickleMachine machine = new PickleMachine(region, start, new PickleMachine.Config(file, entry,
                resolver(tensorTable), pl, options.allowUnsafeGlobals(), options.limits()));
        if (hook != null) machine.withBuildHook(hook);
        Object value = machine.load();
        return new Unpickled(value, machine.position());
    }

    /** {@code torch.storage._load_from_bytes}: a whole torch.save payload in memory, read recursively. */
    private Object loadNested(byte[] payload) throws Exception {
        if (depth >= MAX_NESTING) {
            throw new IllegalArgumentException("torch.save payloads nested more than " + MAX_NESTING + " deep");
        }
        // Counted before the payload is parsed: a refused load costs nothing.
        if (++budget.loads > budget.maxLoads) {
            throw new IllegalArgumentException("more than " + budget.maxLoads + " nested torch.save payloads in one "
                    + "file (limit: " + MIN_NESTED_LOADS + " plus one per " + FILE_BYTES_PER_NESTED_LOAD + " bytes of the file)");
        }
        if ((budget.bytes += payload.length) > budget.maxBytes) {
            throw new IllegalArgumentException("more than " + budget.maxBytes + " bytes of nested torch.save payloads "
                    + "in one file (limit: 64 MiB plus twice the file size)");
        }
        ReadContext inner = new ReadContext(file, options, depth + 1, budget, nestedReader);
        return nestedReader.read(inner, payload).root();
    }
}
