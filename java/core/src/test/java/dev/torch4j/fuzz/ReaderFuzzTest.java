package dev.torch4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.BuiltinGlobals;
import dev.torch4j.pickle.GlobalResolver;
import dev.torch4j.PickleLimits;
import dev.torch4j.pickle.PickleMachine;
import dev.torch4j.numpy.NumpyGlobals;
import dev.torch4j.rebuild.TorchGlobals;
import dev.torch4j.safetensors.SafetensorsFile;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzz targets (Jazzer), one per entry point that reads untrusted bytes. The
 * promise each checks: any input gives a value or a {@link TorchFileException} (lazy tensor reads
 * wrap it, or a plain IOException about storage sizes, in an {@link UncheckedIOException}, as
 * {@code Storage#data()} documents); every other Throwable is a bug the fuzzer reports.
 *
 * <p>Under plain {@code mvn verify} (no {@code JAZZER_FUZZ}) each target replays its stored inputs in
 * {@code src/test/resources/dev/torch4j/fuzz/ReaderFuzzTestInputs/<method>/}: the seed corpus from
 * the fixtures plus every crash the fuzzer ever found. {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=ReaderFuzzTest#method} fuzzes one target for {@code maxDuration}.
 */
class ReaderFuzzTest {
    /** Tensors larger than this are not hashed: a fuzz input may declare gigabytes legitimately (stride 0). */
    private static final long MAX_HASHED_BYTES = 1 << 20;
    /** Small limits keep every execution cheap; the limits themselves are what is under test. */
    private static final PickleLimits LIMITS = new PickleLimits(200, 100_000, 1_000_000L, 100_000, 4096);
    private static final LoadOptions OPTIONS = new LoadOptions(false, LIMITS, 16L << 20);

    /** The pickle machine alone, resolving torch, numpy and builtin globals; dangerous ones become placeholders. */
    @FuzzTest(maxDuration = "2m")
    void pickleMachine(byte[] data) {
        GlobalResolver resolver = new TorchGlobals(payload -> {
            throw new IllegalArgumentException("no nested payloads in this target");
        }, List.of()).orElse(NumpyGlobals.INSTANCE).orElse(BuiltinGlobals.INSTANCE);
        PickleMachine machine = new PickleMachine(new HeapRegion(data), 0, new PickleMachine.Config("fuzz.pkl", null,
                resolver, pid -> pid, true, LIMITS));
        try {
            machine.load();
        } catch (TorchFileException expected) {
            // bad input, reported as such
        }
    }

    /** {@link ModelScanner} on the bytes: the scanner that vets files without building values (the method keeps its name: its inputs folder is named after it). */
    @FuzzTest(maxDuration = "2m")
    void pickleScanner(byte[] data) {
        ScanResult r = ModelScanner.scan("fuzz.pkl", data);
        // The scan never throws: an exception it did not expect comes back as an "internal error", a bug.
        if (r.error() != null && r.error().contains("internal error")) throw new IllegalStateException(r.error());
        // Damage is reported with the file and byte offset; and damaged input is never called clean.
        if (r.error() != null && !r.error().startsWith("fuzz.pkl")) throw new IllegalStateException("error without the file: " + r.error());
        if (r.error() != null && r.verdict() == Verdict.CLEAN) throw new IllegalStateException("clean despite " + r.error());
    }

    /** The zip reader: central directory, local headers, ZIP64, STORED and DEFLATED entries. */
    @FuzzTest(maxDuration = "2m")
    void zipArchive(byte[] data) {
        try {
            ZipArchive zip = ZipArchive.open("fuzz.zip", data, 16L << 20);
            for (String name : zip.names()) {
                ByteRegion r = zip.read(name);
                byte[] buf = new byte[(int) Math.min(r.size(), 1 << 16)];
                for (long at = 0; at < r.size(); at += buf.length) {
                    int n = (int) Math.min(buf.length, r.size() - at);
                    r.copyTo(at, buf, 0, n);
                }
            }
        } catch (TorchFileException expected) {
            // bad input
        } catch (UncheckedIOException e) {
            requireTorchFileException(e);
        }
    }

    /** Torch.open on any bytes: format detection, zip/legacy/tar/pickle/TorchScript/mobile readers, tensors. */
    @FuzzTest(maxDuration = "2m")
    void torchOpen(byte[] data) throws IOException {
        readWhole(data, ".pt");
    }

    /** The safetensors reader: JSON header, offsets, dtypes. */
    @FuzzTest(maxDuration = "2m")
    void safetensors(byte[] data) throws IOException {
        Path file = Files.createTempFile("torch4j-fuzz", ".safetensors");
        try {
            Files.write(file, data);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                for (Tensor t : f.tensors().values()) hashIfSmall(t);
                f.metadata();
            } catch (TorchFileException expected) {
                // bad input
            } catch (UncheckedIOException e) {
                requireTorchFileException(e);
            }
        } finally {
            Files.delete(file);
        }
    }

    private static void readWhole(byte[] data, String suffix) throws IOException {
        Path file = Files.createTempFile("torch4j-fuzz", suffix);
        try {
            Files.write(file, data);
            try (Checkpoint cp = Torch.open(file, OPTIONS)) {
                for (Tensor t : cp.tensors().values()) hashIfSmall(t);
                cp.stateDict();
                cp.metadata();
            } catch (TorchFileException expected) {
                // bad input
            } catch (UncheckedIOException e) {
                requireTorchFileException(e);
            }
        } finally {
            Files.delete(file);
        }
    }

    private static void hashIfSmall(Tensor t) {
        if (t.byteSize() <= MAX_HASHED_BYTES) t.sha256();
    }

    /** Lazy reads wrap bad input in UncheckedIOException: a TorchFileException, or Storage's plain IOException. */
    private static void requireTorchFileException(UncheckedIOException e) {
        if (e.getCause() instanceof TorchFileException) return;
        if (e.getCause() != null && e.getCause().getClass() == IOException.class) return;
        throw e;
    }
}
