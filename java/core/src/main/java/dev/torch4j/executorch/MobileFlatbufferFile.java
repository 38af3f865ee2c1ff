package dev.torch4j.executorch;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.torchscript.ScriptClasses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The entry point for PyTorch Mobile flatbuffer files ({@code _save_for_lite_interpreter(path,
 * _use_flatbuffer=True)}, identifier {@code PTMF}, bytecode v9): {@link #read} gives the same object
 * tree and metadata keys the zip {@code .ptl} of the same module gives; {@link #contents} lists what a
 * scan rates. Such a file holds no pickle: only bytecode, operator names and TorchScript sources.
 */
public final class MobileFlatbufferFile {
    private MobileFlatbufferFile() {}

    public static boolean isMobileFlatbuffer(byte[] head) {
        return ExecuTorchFile.plausibleRoot(head) && head[4] == 'P' && head[5] == 'T' && head[6] == 'M' && head[7] == 'F';
    }

    public static LoadedFile read(String file, ByteRegion bytes) throws TorchFileException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.MOBILE.id());
        return FlatBufferErrors.guarded(file, () -> {
            MobileFlatbufferReader reader = new MobileFlatbufferReader(bytes);
            Object root = reader.root();
            describe(reader, meta);
            // The kept TorchScript sources declare which tensor attributes are parameters and buffers:
            // the state_dict names the zip .ptl of the same module lists.
            return new LoadedFile(Format.MOBILE, root, meta, ScriptClasses.ofSources(reader.jitSources()));
        });
    }

    /** The metadata keys the zip mobile path fills, plus the flatbuffer's own facts. */
    private static void describe(MobileFlatbufferReader reader, Map<String, Object> meta) {
        meta.put("mobile.container", "flatbuffer");
        meta.put("mobile.bytecode_version", reader.bytecodeVersion());
        List<String> methods = new ArrayList<>();
        for (MobileFlatbufferReader.Method m : reader.methods()) methods.add(m.name());
        meta.put("mobile.methods", methods);
        meta.put("mobile.operators", new ArrayList<>(reader.operators()));
        meta.put("mobile.operator_version", reader.operatorVersion());
        meta.put("mobile.storages", reader.storageCount());
        if (!reader.jitSources().isEmpty()) meta.put("mobile.jit_sources", new ArrayList<>(reader.jitSources().keySet()));
        if (!reader.extraFiles().isEmpty()) meta.put("mobile.extra_files", new ArrayList<>(reader.extraFiles().keySet()));
        if (!reader.skippedTensors().isEmpty()) meta.put("mobile.unsupported_tensors", reader.skippedTensors());
    }

    /** What a scan rates: operators, object classes, TorchScript sources; and what it checked, one line each. */
    public record Contents(TreeSet<String> operators, List<String> typeNames, Map<String, String> jitSources,
                           List<String> checked) {}

    /** Parses the whole structure (every ivalue, tensor range and method) and returns what it holds. */
    public static Contents contents(String file, ByteRegion bytes) throws TorchFileException {
        return FlatBufferErrors.guarded(file, () -> {
            MobileFlatbufferReader reader = new MobileFlatbufferReader(bytes);
            reader.root();
            List<MobileFlatbufferReader.Method> methods = reader.methods();
            List<String> checked = new ArrayList<>();
            checked.add("PyTorch Mobile flatbuffer (bytecode v" + reader.bytecodeVersion() + "): " + methods.size()
                    + " methods, " + reader.ivalueCount() + " ivalues, " + reader.storageCount()
                    + " storages, every offset inside the file");
            checked.add("no pickle: operators, object classes and TorchScript sources rated as in a zip .ptl");
            return new Contents(reader.operators(), reader.typeNames(), reader.jitSources(), checked);
        });
    }

    /**
     * A list TorchScript knows the element type of (int, float, bool, Tensor): a plain list to readers,
     * and to writers the {@code torch.jit._pickle} builder ({@code build_intlist}...) PyTorch's pickler
     * wraps it in, without which the lite interpreter refuses it as a generic list.
     */
    public static final class TypedList extends ArrayList<Object> {
        @java.io.Serial private static final long serialVersionUID = 1L;
        private final String builder;

        TypedList(String builder, int capacity) {
            super(capacity);
            this.builder = builder;
        }

        /** The builder's name in {@code torch.jit._pickle}. */
        public String builder() { return builder; }
    }

    /** An instruction as bytecode.pkl spells it: opcode name, X, N. */
    public record Instruction(String opcode, long x, long n) {}

    /** An operator table entry; {@code numArgs} -1 when the file does not say. */
    public record Operator(String name, String overload, int numArgs) {}

    /** A schema argument or return, with its default value (null when none). */
    public record Arg(String name, String type, Object defaultValue) {}

    /** A method's code; {@code arguments}/{@code returns} null when the file has no schema. */
    public record Function(String name, List<Instruction> instructions, List<Operator> operators, List<Object> constants,
                           List<String> types, long registerSize, List<Arg> arguments, List<Arg> returns) {}

    /** Everything a zip {@code .ptl} is written from: the state object, methods, TorchScript sources and constants. */
    public record Module(long bytecodeVersion, Object state, List<Function> methods, Map<String, String> jitSources,
                         List<Object> jitConstants, Map<String, String> extraFiles) {}

    /** The whole module, values converted as {@link #read} converts them (tensors over the file's bytes). */
    public static Module module(String file, ByteRegion bytes) throws TorchFileException {
        return FlatBufferErrors.guarded(file, () -> {
            MobileFlatbufferReader reader = new MobileFlatbufferReader(bytes);
            Object state = reader.root();
            Module m = new Module(reader.bytecodeVersion(), state, reader.functions(), reader.jitSources(),
                    reader.jitConstants(), reader.extraFiles());
            if (!reader.skippedTensors().isEmpty()) {
                throw new IllegalArgumentException("quantized tensors are not supported: " + reader.skippedTensors());
            }
            return m;
        });
    }
}
