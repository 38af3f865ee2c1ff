package dev.torch4j.cli;

import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.MappedFile;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.pickle.PickleMachine;
import dev.torch4j.pickle.PyGlobal;
import dev.torch4j.pickle.PyObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the dangerous globals in every pickle of one file ({@link ArchivePickles}), without running
 * anything: every global resolves to an inert placeholder and persistent ids stay as they are, so the
 * pickle machine only walks the opcodes and its denylist reports the first dangerous global of each pickle.
 */
final class FileScan {
    /** A dangerous global: where it is (zip entry or null; byte offset of the opcode) and its name. */
    record Finding(String file, String entry, long offset, String global) {}

    private FileScan() {}

    static List<Finding> scan(Path path) throws IOException {
        List<Finding> findings = new ArrayList<>();
        try (MappedFile file = ArchivePickles.map(path)) {
            if (ArchivePickles.isZip(file)) {
                for (ArchivePickles.Source s : ArchivePickles.zipEntries(path, LoadOptions.DEFAULT)) {
                    scanInARow(path, s.entry(), s.bytes(), 1, findings);
                }
            } else {
                if (file.size() == 0 || file.get(0) != (byte) 0x80 && !ArchivePickles.isLegacy(file)) {
                    throw TorchFileException.at(path, null, 0, "neither a zip archive nor a pickle");
                }
                scanInARow(path, null, file, ArchivePickles.picklesInARow(file), findings);
            }
        }
        return findings;
    }

    /** Reads up to {@code count} pickles back to back, stopping at the end of the bytes or at the first finding. */
    private static void scanInARow(Path path, String entry, ByteRegion bytes, int count, List<Finding> findings)
            throws TorchFileException {
        PickleMachine.Config config = new PickleMachine.Config(path.toString(), entry, INERT, pid -> pid, false,
                LoadOptions.DEFAULT.limits());
        PickleMachine machine = new PickleMachine(bytes, 0, config);
        for (int i = 0; i < count; i++) {
            try {
                machine.load();
            } catch (UnsafePickleException e) {
                findings.add(new Finding(path.toString(), entry, e.offset(), e.global()));
                return; // where that pickle ends is unknown once the machine stops
            }
            long next = machine.position();
            // A plain file may hold more pickles; anything else after the last one is not a pickle.
            if (next >= bytes.size() || (count == Integer.MAX_VALUE && bytes.get(next) != (byte) 0x80)) return;
        }
    }

    /** Every global becomes a placeholder: nothing torch4j implements is called while scanning. */
    private static final GlobalResolver INERT = (module, name) -> args -> new PyObject(new PyGlobal(module, name), args);
}
