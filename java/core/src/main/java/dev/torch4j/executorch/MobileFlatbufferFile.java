package dev.torch4j.executorch;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;

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
        Object[] root = new Object[1];
        guarded(file, () -> {
            MobileFlatbufferReader reader = new MobileFlatbufferReader(bytes);
            root[0] = reader.root();
            describe(reader, meta);
            return null;
        });
        return new LoadedFile(Format.MOBILE, root[0], meta, null);
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
        return guarded(file, () -> {
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

    @FunctionalInterface
    private interface Body<T> {
        T run();
    }

    /** Malformed structure becomes a TorchFileException naming the file, the field and the byte offset. */
    private static <T> T guarded(String file, Body<T> body) throws TorchFileException {
        try {
            return body.run();
        } catch (FlatBufferException e) {
            throw new TorchFileException(file, null, e.offset(), e.getMessage());
        } catch (ArithmeticException e) {
            throw new TorchFileException(file, null, -1, "sizes overflow: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(file, null, -1, e.getMessage());
        }
    }
}
