package dev.torch4j.libtorch.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What a model file's first bytes and, for a zip, its root entries say about it, read once for the
 * libtorch module's two checks before libtorch sees a file: is it a TorchScript archive at all
 * (the {@code run}/{@code export-mobile} commands), and does it hold only lite-interpreter bytecode
 * (the lite API). Internal: this package is not exported.
 *
 * @param head       the file's first 8 bytes (fewer when it is shorter)
 * @param zip        a readable zip archive
 * @param code       a zip with TorchScript sources ({@code code/})
 * @param data       a zip with {@code data.pkl} (the module object, or a torch.save payload)
 * @param constants  a zip with {@code constants.pkl}
 * @param bytecode   a zip with {@code bytecode.pkl} (mobile bytecode)
 */
public record ModelArchive(byte[] head, boolean zip, boolean code, boolean data, boolean constants, boolean bytecode) {

    /** Reads the head of {@code file} and, when it starts like a zip, its entry names (not their contents). */
    public static ModelArchive read(Path file) throws IOException {
        byte[] head;
        try (InputStream s = Files.newInputStream(file)) {
            head = s.readNBytes(8);
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            return new ModelArchive(head, false, false, false, false, false);
        }
        boolean code = false;
        boolean data = false;
        boolean constants = false;
        boolean bytecode = false;
        try (ZipFile archive = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = archive.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                // Entries live under one root folder named after the archive.
                String inRoot = name.indexOf('/') >= 0 ? name.substring(name.indexOf('/') + 1) : name;
                code |= inRoot.startsWith("code/");
                data |= inRoot.equals("data.pkl");
                constants |= inRoot.equals("constants.pkl");
                bytecode |= inRoot.equals("bytecode.pkl");
            }
        } catch (ZipException e) {
            return new ModelArchive(head, false, false, false, false, false); // libtorch's own reading says what is wrong
        }
        return new ModelArchive(head, true, code, data, constants, bytecode);
    }

    /** A flatbuffer mobile module: file identifier {@code PTMF} at byte 4. */
    public boolean flatbuffer() {
        return head.length == 8 && head[4] == 'P' && head[5] == 'T' && head[6] == 'M' && head[7] == 'F';
    }

    /** Lite-interpreter bytecode and no TorchScript to run it from: a flatbuffer, or a zip with bytecode but no code or module. */
    public boolean onlyBytecode() {
        return flatbuffer() || zip && bytecode && (!code || !data);
    }

    /** A torch.save zip: a payload, no TorchScript sources or constants. */
    public boolean torchSaveZip() {
        return zip && data && !code && !constants;
    }
}
