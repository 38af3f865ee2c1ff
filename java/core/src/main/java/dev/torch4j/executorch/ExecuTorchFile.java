package dev.torch4j.executorch;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.read.LoadedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point for ExecuTorch files: {@link #isProgram}/{@link #isData} recognise a {@code .pte}
 * (FlatBuffer identifier {@code ETnn} at byte 4) or a {@code .ptd} ({@code FTnn}); {@link #readProgram}
 * and {@link #readData} give the same {@link LoadedFile} every reader gives (root: a dict of the
 * constant tensors; metadata: methods, signatures, operators, delegates); {@link #scan} checks the
 * whole structure and says what it checked. Neither file holds a pickle or Python code.
 */
public final class ExecuTorchFile {
    private ExecuTorchFile() {}

    public static boolean isProgram(byte[] head) {
        return plausibleRoot(head) && head[4] == 'E' && head[5] == 'T' && isAlnum(head[6]) && isAlnum(head[7]);
    }

    public static boolean isData(byte[] head) {
        return plausibleRoot(head) && head[4] == 'F' && head[5] == 'T' && isAlnum(head[6]) && isAlnum(head[7]);
    }

    /** A FlatBuffer starts with the root table's offset: past the identifier, 4-byte aligned, under 1 GiB. */
    static boolean plausibleRoot(byte[] head) {
        if (head.length < 8) return false;
        long root = (head[0] & 0xffL) | (head[1] & 0xffL) << 8 | (head[2] & 0xffL) << 16 | (head[3] & 0xffL) << 24;
        return root >= 8 && root < (1L << 30) && (root & 3) == 0;
    }

    private static boolean isAlnum(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    /**
     * Reads a program. Tensors it stores outside ({@code EXTERNAL}, by name) are looked up in the
     * {@code .ptd} of the same name beside it when there is one; otherwise they are listed as unresolved.
     */
    public static LoadedFile readProgram(String file, ByteRegion bytes) throws TorchFileException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.EXECUTORCH.id());
        Path ptd = companion(file);
        FlatTensorReader.Data external = null;
        if (ptd != null) {
            // Kept open for the tensors' lifetime: the mapping goes with the garbage collector, as the
            // checkpoint's own does when it is not closed.
            MappedFile data;
            try {
                data = MappedFile.open(ptd);
            } catch (IOException e) {
                throw new TorchFileException(file, null, -1, "cannot read " + ptd + ": " + e.getMessage(), e);
            }
            external = FlatBufferErrors.guarded(ptd.toString(), () -> FlatTensorReader.read(data, ptd.toString(), null, null));
            meta.put("executorch.data_file", ptd.getFileName().toString());
        }
        ProgramReader reader = new ProgramReader(bytes, meta, external);
        FlatBufferErrors.guarded(file, () -> {
            reader.read();
            return null;
        });
        return new LoadedFile(Format.EXECUTORCH, reader.tensors(), meta, null);
    }

    /** Reads a {@code .ptd}: its tensors by name, blobs listed with their sizes. */
    public static LoadedFile readData(String file, ByteRegion bytes) throws TorchFileException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", Format.PTD.id());
        Map<Object, Object> tensors = new LinkedHashMap<>();
        FlatBufferErrors.guarded(file, () -> FlatTensorReader.read(bytes, file, meta, tensors));
        return new LoadedFile(Format.PTD, tensors, meta, null);
    }

    /**
     * Parses every table the runtime would read and every tensor's data range, and returns what was
     * checked, one line each. Delegate payloads are compiled by their backend, not parsed here.
     */
    public static List<String> scan(String file, ByteRegion bytes, byte[] head) throws TorchFileException {
        List<String> checked = new ArrayList<>();
        if (isData(head)) {
            LoadedFile f = readData(file, bytes);
            checked.add("FlatTensor data file: " + f.metadata().get("ptd.named_data") + " named entries in "
                    + f.metadata().get("ptd.segments") + " segments, every offset inside the file");
        } else {
            Map<String, Object> meta = new LinkedHashMap<>();
            ProgramReader reader = new ProgramReader(bytes, meta, null);
            FlatBufferErrors.guarded(file, () -> {
                reader.read();
                return null;
            });
            checked.add("ExecuTorch program " + meta.get("executorch.file_identifier") + ": methods "
                    + meta.get("executorch.methods") + ", " + reader.tensors().size() + " constant tensors, "
                    + meta.get("executorch.segments") + " segments, every offset inside the file");
            for (Map.Entry<String, Object> e : meta.entrySet()) {
                if (e.getKey().endsWith(".delegates")) {
                    checked.add(e.getKey().substring("executorch.".length()) + ": " + e.getValue()
                            + " (backend payloads are not parsed: the backend compiles them at load)");
                }
            }
        }
        checked.add("no pickle, no Python code: nothing in the file is unpickled or run by the loader");
        return checked;
    }

    /** {@code model.ptd} beside {@code model.pte}, when the name is a path and the file exists. */
    private static Path companion(String file) {
        try {
            Path p = Path.of(file);
            String name = p.getFileName() == null ? null : p.getFileName().toString();
            if (name == null) return null;
            int dot = name.lastIndexOf('.');
            Path ptd = p.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".ptd");
            return Files.isRegularFile(ptd) && !ptd.equals(p) ? ptd : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
