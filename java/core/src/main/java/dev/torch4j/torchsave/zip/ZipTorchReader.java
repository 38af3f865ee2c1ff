package dev.torch4j.torchsave.zip;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.torchsave.legacy.PickleProtocol;
import dev.torch4j.torchscript.ScriptClasses;
import dev.torch4j.torchscript.jit1.OldTorchScriptReader;
import dev.torch4j.torchscript.mobile.MobileInfo;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zip archives: torch.save (data.pkl + data/N), TorchScript (plus code/ and constants.pkl) and
 * mobile lite-interpreter files (plus bytecode.pkl, tensors under constants/).
 */
public final class ZipTorchReader {
    private static final int MAX_RECORD = 4096;

    private ZipTorchReader() {}

    public static LoadedFile read(ReadContext ctx, ZipArchive zip) throws TorchFileException {
        String root = ArchiveLayout.rootPrefix(zip);
        boolean mobile = zip.contains(root + "bytecode.pkl");
        boolean oldScript = zip.contains(root + "model.json") && !zip.contains(root + "data.pkl");
        boolean script = mobile || oldScript || zip.contains(root + "constants.pkl") || zip.hasEntriesUnder(root + "code/");
        Format format = mobile ? Format.MOBILE : script ? Format.TORCHSCRIPT : Format.ZIP;

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", format.id());
        meta.put("archive.root", root.isEmpty() ? "" : root.substring(0, root.length() - 1));
        String version = record(zip, root + "version");
        if (version == null) version = record(zip, root + ".data/version");
        if (version != null) meta.put("archive.version", parseLongOr(version));
        String byteorder = record(zip, root + "byteorder");
        if (byteorder != null) meta.put("archive.byteorder", byteorder);
        String formatVersion = record(zip, root + ".format_version");
        if (formatVersion != null) meta.put("archive.format_version", parseLongOr(formatVersion));
        String alignment = record(zip, root + ".storage_alignment");
        if (alignment != null) meta.put("archive.storage_alignment", parseLongOr(alignment));
        String serializationId = record(zip, root + ".data/serialization_id");
        if (serializationId != null) meta.put("archive.serialization_id", serializationId);
        if (byteorder != null && !byteorder.equals("little") && !byteorder.equals("big")) {
            throw new TorchFileException(zip.file(), root + "byteorder", 0, "unknown byte order '" + byteorder + "'");
        }
        ByteOrder order = "big".equals(byteorder) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        if (oldScript) {
            return OldTorchScriptReader.read(ctx, zip, root, meta);
        }
        String dataName = root + "data.pkl";
        if (!zip.contains(dataName)) {
            throw new TorchFileException(zip.file(), dataName, -1, "archive has no data.pkl");
        }
        ByteRegion data = zip.read(dataName);
        meta.put("pickle.protocol", PickleProtocol.of(data));
        List<String> dataFolders = List.of(root + "data/", root + "constants/");
        List<String> constantFolders = List.of(root + "constants/", root + "data/");

        List<Object> constants = null;
        if (script && zip.contains(root + "constants.pkl")) {
            Object c = ctx.unpickle(zip.read(root + "constants.pkl"), 0, root + "constants.pkl",
                    new ZipStorages(zip, constantFolders, order), null).value();
            constants = c instanceof List<?> l ? new ArrayList<>(l) : List.of(c);
            meta.put("torchscript.constants", constants.size());
        }
        Object value = ctx.unpickle(data, 0, dataName, new ZipStorages(zip, dataFolders, order), null).value();

        if (mobile) {
            List<Object> table = constants == null ? null : tensorsOf(constants);
            Object bytecode = ctx.unpickle(zip.read(root + "bytecode.pkl"), 0, root + "bytecode.pkl",
                    new ZipStorages(zip, bytecodeFolders(zip, root, constantFolders), order), table).value();
            MobileInfo.describe(bytecode, zip.file(), root + "bytecode.pkl", meta);
        }
        ScriptClasses classes = script ? new ScriptClasses(zip, root + "code/") : null;
        return new LoadedFile(format, value, meta, classes);
    }

    /**
     * Where bytecode.pkl's own tensors live. Bytecode v4 and older (and backports to them) write
     * them to {@code bytecode/N}, numbered independently of {@code constants/N}: the same key names
     * another tensor there. PyTorch's mobile import reads {@code bytecode/} whenever the archive has
     * such entries, and {@code constants/} otherwise.
     */
    private static List<String> bytecodeFolders(ZipArchive zip, String root, List<String> constantFolders) {
        return zip.hasEntriesUnder(root + "bytecode/") ? List.of(root + "bytecode/") : constantFolders;
    }

    /** A small text record, or null when absent. */
    private static String record(ZipArchive zip, String name) throws TorchFileException {
        return zip.contains(name) ? zip.readText(name, MAX_RECORD) : null;
    }

    private static Object parseLongOr(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /**
     * The tensors among TorchScript constants, in order: the table {@code build_tensor_from_id} indexes. A loop, not
     * a stream with lambdas: a short command's first lambda initialises java.lang.invoke (several ms of a 0.2 s
     * inspect); see docs/building.md.
     */
    private static List<Object> tensorsOf(List<Object> constants) {
        List<Object> tensors = new ArrayList<>();
        for (Object o : constants) {
            if (o instanceof Tensor) tensors.add(o);
        }
        return Collections.unmodifiableList(tensors);
    }
}
