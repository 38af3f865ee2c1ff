package dev.torch4j.torchscript.mobile;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.AtomicFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.python.PyTuple;
import dev.torch4j.torchscript.mobile.PickleTree.PersistentId;
import dev.torch4j.zip.AlignedZipWriter;
import dev.torch4j.zip.ZipArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a lite-interpreter file ({@code .ptl}, a zip written by {@code _save_for_lite_interpreter})
 * for an older bytecode version, in pure Java: what PyTorch's {@code torch.jit.mobile._backport_for_mobile}
 * does, one version at a time, without loading the model. Files made by {@code optimize_for_mobile}
 * (XNNPACK prepacked contexts) are backported like any other: their contexts are pickled values,
 * copied as they are. Versions 8 down to 4 ({@link #OLDEST}, the oldest PyTorch's lite interpreter
 * reads); the bytecode edits of each step are {@link BytecodeDowngrade}'s. From 5 to 4 the tensors
 * of {@code bytecode.pkl} and {@code constants.pkl} move from the shared {@code constants/} records
 * to records of their own ({@code bytecode/N}, {@code constants/N}), as version 4 stored them.
 * Everything else in the archive is copied byte for byte. The output appears atomically.
 */
public final class MobileBackport {
    /** The oldest bytecode version PyTorch (1.13 and later) reads, and so the lowest target. */
    public static final int OLDEST = 4;
    /** The newest zip bytecode version; 9 is the flatbuffer format. */
    public static final int NEWEST_ZIP = 8;
    /** The bytecode version of every flatbuffer mobile file. */
    public static final int FLATBUFFER = 9;

    /** What a backport did: the file's version and the one written. */
    public record Result(int from, int to) {}

    private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;
    private static final int COPY_CHUNK = 1 << 20;

    private final Path in;
    private final String file;
    private final ZipArchive zip;
    private final String prefix;
    /** The methods as lowered, for the debug handles that follow their instructions. */
    private List<MethodCode> lowered;

    private MobileBackport(Path in, ZipArchive zip, String prefix) {
        this.in = in;
        this.file = in.toString();
        this.zip = zip;
        this.prefix = prefix;
    }

    /** The bytecode version of {@code in}, read without changing anything. */
    public static int version(Path in) throws IOException {
        if (isFlatbuffer(in)) return FLATBUFFER;
        try (MappedFile bytes = MappedFile.open(in)) {
            ZipArchive zip = ZipArchive.open(in, bytes, MAX_ENTRY_BYTES);
            MobileBackport b = new MobileBackport(in, zip, prefixOf(in.toString(), zip));
            return (int) MobileBytecode.parse(b.readTree("bytecode.pkl"), b.file, b.prefix + "bytecode.pkl").version();
        }
    }

    /**
     * Writes {@code in} as bytecode version {@code target} to {@code out} (replaced only when
     * {@code overwrite}). A file already at {@code target} is written again with the same content.
     *
     * @throws TorchFileException naming the file and entry when the file cannot be read or lowered
     */
    public static Result backport(Path in, Path out, int target, boolean overwrite) throws IOException {
        Result[] result = new Result[1];
        AtomicFile.write(out, overwrite, channel -> result[0] = backport(in, channel, target));
        return result[0];
    }

    /** As {@link #backport(Path, Path, int, boolean)}, writing the archive to {@code out} (an empty file's channel). */
    public static Result backport(Path in, FileChannel out, int target) throws IOException {
        if (isFlatbuffer(in)) return fromFlatbuffer(in, out, target);
        try (MappedFile bytes = MappedFile.open(in)) {
            ZipArchive zip = ZipArchive.open(in, bytes, MAX_ENTRY_BYTES);
            return new MobileBackport(in, zip, prefixOf(in.toString(), zip)).run(out, target);
        }
    }

    private Result run(FileChannel out, int target) throws IOException {
        String entry = prefix + "bytecode.pkl";
        Object root = readTree("bytecode.pkl");
        MobileBytecode parsed = MobileBytecode.parse(root, file, entry);
        int from = (int) parsed.version();
        if (from < OLDEST || from > NEWEST_ZIP) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, -1, "bytecode version " + from
                    + ": torch4j backports versions " + OLDEST + " to " + NEWEST_ZIP);
        }
        if (target < OLDEST) {
            throw new IllegalArgumentException("bytecode version " + target + " is older than any PyTorch reads (the oldest is "
                    + OLDEST + ")");
        }
        if (target > from) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, -1, "the file is bytecode version " + from
                    + "; backport only lowers versions, it cannot make version " + target);
        }
        PyTuple bytecode = lower((List<?>) root, parsed, from, target);
        String handlesEntry = prefix + "mobile_debug_handles.pkl";
        Object handles = zip.contains(handlesEntry) ? debugHandles(target) : null;
        boolean splitTensors = from >= 5 && target <= 4;
        AlignedZipWriter w = new AlignedZipWriter(out, false);
        for (String name : zip.names()) {
            if (splitTensors && name.startsWith(prefix + "constants/")) continue;
            if (name.equals(entry)) {
                writePickle(w, bytecode, "bytecode.pkl", splitTensors ? "bytecode/" : null);
            } else if (name.equals(handlesEntry)) {
                writePickle(w, handles, "mobile_debug_handles.pkl", null);
            } else if (splitTensors && name.equals(prefix + "constants.pkl")) {
                writePickle(w, readTree("constants.pkl"), "constants.pkl", "constants/");
            } else {
                copy(w, name, zip.read(name));
            }
        }
        w.finish();
        return new Result(from, target);
    }

    /** The bytecode tuple lowered one version at a time from {@code from} to {@code target}. */
    private PyTuple lower(List<?> root, MobileBytecode parsed, int from, int target) throws TorchFileException {
        String entry = prefix + "bytecode.pkl";
        List<MethodCode> methods = new ArrayList<>();
        List<List<String>> argTypes = new ArrayList<>();
        for (int i = 0; i < parsed.methods().size(); i++) {
            MethodCode m = new MethodCode(PyTuple.copyOf((List<?>) root.get(i + 1)));
            String bad = MethodCode.badJump(m.instructions);
            if (bad != null) throw new TorchFileException(file, entry, -1, "bad lite-interpreter bytecode: method " + m.name + ": " + bad);
            methods.add(m);
            MobileBytecode.Schema schema = parsed.methods().get(i).schema();
            List<String> types = new ArrayList<>();
            if (schema != null) for (MobileBytecode.Argument a : schema.arguments()) types.add(a.type());
            argTypes.add(schema == null ? null : types);
        }
        for (int v = from; v > target; v--) {
            for (int i = 0; i < methods.size(); i++) {
                MethodCode m = methods.get(i);
                try {
                    BytecodeDowngrade.step(m, v, argTypes.get(i));
                } catch (BytecodeDowngrade.Refused e) {
                    throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, -1, "cannot lower method " + m.name
                            + " from bytecode version " + v + " to " + (v - 1) + ": " + e.getMessage());
                }
            }
        }
        lowered = methods;
        List<Object> items = new ArrayList<>();
        items.add((long) target);
        for (MethodCode m : methods) items.add(m.toTuple(target >= 6));
        return PyTuple.copyOf(items);
    }

    /** {@code mobile_debug_handles.pkl} following the lowered methods' instructions. */
    private Object debugHandles(int target) throws TorchFileException {
        java.util.Map<String, MethodCode> byName = new java.util.HashMap<>();
        for (MethodCode m : lowered) byName.put(m.name, m);
        try {
            return DebugHandles.rewrite(readTree("mobile_debug_handles.pkl"), target, byName);
        } catch (DebugHandles.Unreadable e) {
            throw new TorchFileException(file, prefix + "mobile_debug_handles.pkl", -1, "bad mobile debug handles: " + e.getMessage());
        }
    }

    /**
     * Writes a pickle record; with {@code tensorFolder} its storages are renumbered 0, 1... in the
     * order written and copied to records of their own in that folder (bytecode version 4's layout).
     */
    private void writePickle(AlignedZipWriter w, Object tree, String record, String tensorFolder) throws IOException {
        if (tensorFolder == null) {
            w.writeEntry(prefix + record, write(tree, record, id -> id));
            return;
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        byte[] pickle = write(tree, record, id -> {
            String key = id.storageKey();
            if (key == null) return id;
            return id.withStorageKey(renamed.computeIfAbsent(key, k -> Integer.toString(renamed.size())));
        });
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            String source = prefix + "constants/" + e.getKey();
            if (!zip.contains(source)) {
                throw new TorchFileException(file, prefix + record, -1, "refers to storage " + e.getKey() + ", but the archive has no "
                        + source);
            }
            copy(w, prefix + tensorFolder + e.getValue(), zip.read(source));
        }
        w.writeEntry(prefix + record, pickle);
    }

    private byte[] write(Object tree, String record, java.util.function.UnaryOperator<PersistentId> ids) throws TorchFileException {
        try {
            return PickleTreeWriter.write(tree, ids);
        } catch (IllegalArgumentException e) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, prefix + record, -1, e.getMessage(), e);
        }
    }

    private Object readTree(String record) throws TorchFileException {
        return PickleTree.read(zip.read(prefix + record), file, prefix + record);
    }

    private static void copy(AlignedZipWriter w, String name, ByteRegion data) throws IOException {
        long size = data.size();
        w.writeEntryCrc(name, size, sink -> {
            for (long at = 0; at < size; at += COPY_CHUNK) {
                sink.write(data.slice(at, (int) Math.min(COPY_CHUNK, size - at)));
            }
        });
    }

    /** The record folder ({@code name/}) that holds {@code bytecode.pkl}. */
    private static String prefixOf(String file, ZipArchive zip) throws TorchFileException {
        String found = null;
        for (String name : zip.names()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("bytecode.pkl")) {
                if (found != null) {
                    throw new TorchFileException(file, name, -1, "the archive holds two bytecode.pkl records (ambiguous: refused)");
                }
                found = name.substring(0, slash + 1);
            }
        }
        if (found == null) {
            throw new TorchFileException(file, null, -1, "holds no bytecode.pkl: not a PyTorch Mobile file"
                    + " (save it with _save_for_lite_interpreter)");
        }
        return found;
    }

    /**
     * A flatbuffer file (bytecode v9) is first written as the zip archive of version 8 that PyTorch's
     * backport writes; lower targets are then the usual steps on that archive, kept in a temporary file.
     */
    private static Result fromFlatbuffer(Path in, FileChannel out, int target) throws IOException {
        if (target < OLDEST) {
            throw new IllegalArgumentException("bytecode version " + target + " is older than any PyTorch reads (the oldest is "
                    + OLDEST + ")");
        }
        if (target > NEWEST_ZIP) {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, in.toString(), null, 4, "the file is bytecode version "
                    + FLATBUFFER + " (flatbuffer); backport writes zip versions " + OLDEST + " to " + NEWEST_ZIP);
        }
        String name = archiveName(in);
        try (MappedFile bytes = MappedFile.open(in)) {
            if (target == NEWEST_ZIP) {
                FlatbufferToZip.write(in.toString(), bytes, name, out);
                return new Result(FLATBUFFER, target);
            }
            Path v8 = Files.createTempFile(in.toAbsolutePath().getParent(), ".torch4j-v8-", ".ptl");
            try {
                try (FileChannel c = FileChannel.open(v8, java.nio.file.StandardOpenOption.WRITE)) {
                    FlatbufferToZip.write(in.toString(), bytes, name, c);
                }
                try (MappedFile zipBytes = MappedFile.open(v8)) {
                    ZipArchive zip = ZipArchive.open(v8, zipBytes, MAX_ENTRY_BYTES);
                    new MobileBackport(in, zip, prefixOf(in.toString(), zip)).run(out, target);
                }
            } finally {
                Files.deleteIfExists(v8);
            }
            return new Result(FLATBUFFER, target);
        }
    }

    /** The record folder a zip written from {@code in} gets: its file name without extension, as PyTorch names it. */
    private static String archiveName(Path in) {
        String n = in.getFileName() == null ? "" : in.getFileName().toString();
        int dot = n.lastIndexOf('.');
        if (dot > 0) n = n.substring(0, dot);
        return n.matches("[A-Za-z0-9_.-]{1,100}") ? n : "archive";
    }

    /** Whether {@code in} is a flatbuffer mobile file ("PTMF" at offset 4); refuses what is neither that nor a zip. */
    private static boolean isFlatbuffer(Path in) throws IOException {
        byte[] head = new byte[8];
        int n;
        try (InputStream s = Files.newInputStream(in)) {
            n = s.readNBytes(head, 0, head.length);
        }
        if (n == 8 && head[4] == 'P' && head[5] == 'T' && head[6] == 'M' && head[7] == 'F') return true;
        if (n < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            throw new TorchFileException(in.toString(), null, 0,
                    "not a PyTorch Mobile file (.ptl): neither a zip archive nor a flatbuffer mobile file");
        }
        return false;
    }
}
