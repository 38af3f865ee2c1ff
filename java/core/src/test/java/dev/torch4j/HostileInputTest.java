package dev.torch4j;

import dev.torch4j.testing.HostileBytes;
import dev.torch4j.testing.Fixtures;
import dev.torch4j.testing.HostileBytes.Pickle;
import dev.torch4j.testing.HostileBytes.ZipEntry;
import dev.torch4j.testing.HostileBytes.ZipRecords;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reader's promise for bad input, over the whole read path (open, tensors, state dict, every
 * tensor's sha256): success or a {@link TorchFileException} that names the file (once), the entry
 * where there is one, and an offset; never another Throwable, a hang or an unbounded allocation
 * (surefire runs with -Xmx2g). Lazy tensor reads may wrap the exception in UncheckedIOException,
 * as {@link dev.torch4j.tensor.Storage#data()} documents.
 */
class HostileInputTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final int MUTATIONS_PER_FILE = 250;
    private static final List<String> FIXTURE_DIRS = List.of("zip", "legacy", "pickle", "torchscript", "mobile");

    @TempDir
    static Path tmp;
    private static final AtomicInteger counter = new AtomicInteger();

    // ---- generated cases over every fixture ----

    @TestFactory
    Stream<DynamicTest> truncations() {
        return fixtures().stream().map(f -> DynamicTest.dynamicTest(label(f), () -> {
            byte[] data = Files.readAllBytes(f);
            List<String> failures = new ArrayList<>();
            for (int length : truncationLengths(data.length)) {
                check(failures, "truncated to " + length, Arrays.copyOf(data, length), Expect.ANY);
            }
            report(f, failures);
        }));
    }

    @TestFactory
    Stream<DynamicTest> randomMutations() {
        return fixtures().stream().map(f -> DynamicTest.dynamicTest(label(f), () -> {
            byte[] data = Files.readAllBytes(f);
            Random random = new Random(f.getFileName().toString().hashCode());
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < MUTATIONS_PER_FILE && data.length > 0; i++) {
                byte[] m = data.clone();
                String what = mutate(m, random);
                check(failures, "mutation " + i + " (" + what + ")", m, Expect.ANY);
            }
            report(f, failures);
        }));
    }

    // ---- targeted corruptions ----

    @TestFactory
    Stream<DynamicTest> targeted() throws IOException {
        List<Case> cases = new ArrayList<>();
        zipDirectoryCases(cases);
        zip64Cases(cases);
        tensorLayoutCases(cases);
        legacyCases(cases);
        tarCases(cases);
        pickleCases(cases);
        nestedPayloadCases(cases);
        zipBombCases(cases);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            List<String> failures = new ArrayList<>();
            check(failures, c.name(), c.bytes(), c.expect());
            if (!failures.isEmpty()) fail(String.join("\n", failures));
        }));
    }

    /** The messages say what is wrong and where, not what a library happened to throw. */
    @Test
    void truncatedAndMisplacedZipMessagesSayWhatAndWhere() throws IOException {
        byte[] zip = Files.readAllBytes(Fixtures.file("zip/mlp_state_dict.pt"));
        TorchFileException cut = openFails(Arrays.copyOf(zip, zip.length / 2));
        assertTrue(cut.reason().contains("no end of central directory record") && cut.reason().contains("truncated"),
                cut.getMessage());
        assertTrue(cut.offset() >= 0, cut.getMessage());

        ZipRecords r = ZipRecords.of(zip);
        int last = r.local().size() - 1;
        TorchFileException extra = openFails(patch(zip, r.local().get(0) + 28, 0xFFFF, 2));
        String firstName = new String(zip, r.local().get(0) + 30, 16, StandardCharsets.UTF_8);
        assertTrue(extra.getMessage().contains("entry " + firstName.substring(0, firstName.indexOf('/'))), extra.getMessage());
        assertEquals(r.local().get(0) + 30 + Short.toUnsignedInt((short) ((zip[r.local().get(0) + 26] & 0xff)
                | (zip[r.local().get(0) + 27] & 0xff) << 8)) + 0xFFFF, extra.offset(), extra.getMessage());

        TorchFileException past = openFails(patch(zip, r.central().get(last) + 42, zip.length + 1L, 4));
        assertEquals(zip.length + 1L, past.offset(), past.getMessage());
    }

    private static TorchFileException openFails(byte[] bytes) throws IOException {
        Path file = scratch().resolve("case-" + counter.incrementAndGet() + ".pt");
        Files.write(file, bytes);
        try (Checkpoint c = Torch.open(file)) {
            for (Tensor t : c.tensors().values()) t.sha256();
            return fail("opened " + file);
        } catch (TorchFileException e) {
            assertEquals(file.toString(), e.file());
            return e;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof TorchFileException t) return t;
            throw e;
        } finally {
            Files.delete(file);
        }
    }

    enum Expect { ANY, SUCCESS, FAILURE }

    record Case(String name, byte[] bytes, Expect expect) {}

    private static void zipDirectoryCases(List<Case> cases) throws IOException {
        byte[] zip = Files.readAllBytes(Fixtures.file("zip/mlp_state_dict.pt"));
        ZipRecords r = ZipRecords.of(zip);
        int len = zip.length;
        cases.add(patched("zip: end record's directory offset past the end", zip, r.eocd() + 16, len + 1000L, 4));
        cases.add(patched("zip: end record's directory offset 0 (overlaps local headers)", zip, r.eocd() + 16, 0, 4));
        cases.add(patched("zip: end record's directory size 0xFFFFFFF0", zip, r.eocd() + 12, 0xFFFFFFF0L, 4));
        cases.add(patched("zip: end record's entry count 0xFFFF", zip, r.eocd() + 8, 0xFFFFFFFFL, 4));
        if (r.zip64Eocd() >= 0) {
            int z = r.zip64Eocd();
            cases.add(patched("zip64: directory offset 2^62", zip, z + 48, 1L << 62, 8));
            cases.add(patched("zip64: directory offset 0 (overlapping)", zip, z + 48, 0, 8));
            cases.add(patched("zip64: directory size 2^62", zip, z + 40, 1L << 62, 8));
            cases.add(patched("zip64: entry count 2^62", zip, z + 24, 1L << 62, 8));
            cases.add(patched("zip64: entry count 2^62 (total)", zip, z + 32, 1L << 62, 8));
            cases.add(patched("zip64: locator points at 2^62", zip, r.zip64Locator() + 8, 1L << 62, 8));
            cases.add(patched("zip64: locator points at 0", zip, r.zip64Locator() + 8, 0, 8));
        }
        for (int i = 0; i < r.central().size(); i++) {
            int c = r.central().get(i);
            String e = "zip entry " + i + ": ";
            cases.add(patched(e + "compressed size 0xFFFFFFF0", zip, c + 20, 0xFFFFFFF0L, 4));
            cases.add(patched(e + "size 0xFFFFFFF0", zip, c + 24, 0xFFFFFFF0L, 4));
            cases.add(patched(e + "sizes 0x7FFFFFF0", patch(zip, c + 24, 0x7FFFFFF0L, 4), c + 20, 0x7FFFFFF0L, 4));
            cases.add(patched(e + "local header offset past the end", zip, c + 42, len + 1L, 4));
            cases.add(patched(e + "local header offset inside another entry's data", zip, c + 42, r.local().get(0) + 40L, 4));
            if (i > 0) cases.add(patched(e + "local header offset overlaps entry 0", zip, c + 42, r.local().get(0), 4));
            cases.add(patched(e + "name length 0xFFFF", zip, c + 28, 0xFFFF, 2));
            cases.add(patched(e + "extra length 0xFFFF", zip, c + 30, 0xFFFF, 2));
            cases.add(patched(e + "method deflated", zip, c + 10, 8, 2));
            cases.add(patched(e + "method 99", zip, c + 10, 99, 2));
            int l = r.local().get(i);
            cases.add(patched(e + "local header extra length 0xFFFF", zip, l + 28, 0xFFFF, 2));
            cases.add(patched(e + "local header name length 0xFFFF", zip, l + 26, 0xFFFF, 2));
            cases.add(patched(e + "local header signature gone", zip, l, 0, 4));
        }
    }

    private static void zip64Cases(List<Case> cases) {
        byte[] pkl = new Pickle().proto(2).op('}').str("a").integer(1).op('s').stop().bytes();
        byte[] storage = new byte[16];
        long huge = 1L << 62;
        cases.add(new Case("zip64: sane baseline", HostileBytes.torchZip(pkl, storage), Expect.SUCCESS));
        ZipEntry data = ZipEntry.stored("archive/data.pkl", pkl);
        ZipEntry version = ZipEntry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        byte[] both = HostileBytes.zip64Extra(huge, huge);
        cases.add(new Case("zip64: data.pkl sizes 2^62 in the central directory", HostileBytes.zip(List.of(
                data.withSizes(0xFFFFFFFFL, 0xFFFFFFFFL).withExtras(new byte[0], both), version)), Expect.FAILURE));
        cases.add(new Case("zip64: data.pkl sizes 2^62 in both headers", HostileBytes.zip(List.of(
                data.withSizes(0xFFFFFFFFL, 0xFFFFFFFFL).withExtras(both, both), version)), Expect.FAILURE));
        cases.add(new Case("zip64: data.pkl local header offset 2^62", HostileBytes.zip(List.of(
                data.withLocalHeaderOffset(0xFFFFFFFFL).withExtras(new byte[0], HostileBytes.zip64Extra(huge)), version)),
                Expect.FAILURE));
        cases.add(new Case("zip64: negative sizes", HostileBytes.zip(List.of(
                data.withSizes(0xFFFFFFFFL, 0xFFFFFFFFL).withExtras(new byte[0], HostileBytes.zip64Extra(-5, -5)), version)),
                Expect.FAILURE));
        byte[] tensor = Pickle.floatTensor(4, 0, new long[] {4}, new long[] {1});
        cases.add(new Case("zip64: storage entry sizes 2^62", HostileBytes.zip(List.of(
                ZipEntry.stored("archive/data.pkl", tensor),
                ZipEntry.stored("archive/data/0", storage).withSizes(0xFFFFFFFFL, 0xFFFFFFFFL).withExtras(new byte[0], both),
                version)), Expect.FAILURE));
    }

    private static void tensorLayoutCases(List<Case> cases) {
        byte[] storage = new byte[16]; // 4 floats
        cases.add(tensorCase("tensor: sane baseline", 4, 0, new long[] {2, 2}, new long[] {2, 1}, storage, Expect.SUCCESS));
        cases.add(tensorCase("tensor: shape past its storage", 4, 0, new long[] {5}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: stride past its storage", 4, 0, new long[] {2, 2}, new long[] {3, 1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: offset past its storage", 4, 1, new long[] {4}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: offset 2^62", 4, 1L << 62, new long[] {1}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: negative offset", 4, -1, new long[] {1}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: negative dim", 4, 0, new long[] {-1}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: negative stride", 4, 0, new long[] {2}, new long[] {-1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: element count overflows", 4, 0, new long[] {1L << 62, 1L << 62},
                new long[] {0, 0}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: strides overflow", 4, 0, new long[] {3}, new long[] {Long.MAX_VALUE / 2},
                storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: rank differs from strides", 4, 0, new long[] {2, 2}, new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: storage declares 2^60 elements", 1L << 60, 0, new long[] {4}, new long[] {1},
                storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: storage declares 2^62 elements (bytes overflow)", 1L << 62, 0, new long[] {4},
                new long[] {1}, storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: storage declares -1 elements", -1, 0, new long[] {0}, new long[] {1},
                storage, Expect.FAILURE));
        cases.add(tensorCase("tensor: storage entry shorter than declared", 8, 0, new long[] {8}, new long[] {1},
                storage, Expect.FAILURE));
    }

    private static Case tensorCase(String name, long numel, long offset, long[] size, long[] stride, byte[] storage,
                                   Expect expect) {
        return new Case(name, HostileBytes.torchZip(Pickle.floatTensor(numel, offset, size, stride), storage), expect);
    }

    private static void legacyCases(List<Case> cases) throws IOException {
        byte[] legacy = Files.readAllBytes(Fixtures.root().resolveSibling("format").resolve("legacy_save.pt"));
        int first = firstLegacyStorage(legacy);
        cases.add(patched("legacy: storage of 2^60 elements", legacy, first, 1L << 60, 8));
        cases.add(patched("legacy: storage of -1 elements", legacy, first, -1, 8));
        cases.add(patched("legacy: storage of 2^62 elements", legacy, first, 1L << 62, 8));
        long count = legacy[first] & 0xffL | (legacy[first + 1] & 0xffL) << 8;
        cases.add(patched("legacy: storage one element longer", legacy, first, count + 1, 8));
        cases.add(patched("legacy: storage one element shorter", legacy, first, count - 1, 8));
    }

    /** The offset of the first storage's element count: just past the fifth pickle (magic, protocol, sys_info, object, keys). */
    private static int firstLegacyStorage(byte[] legacy) {
        dev.torch4j.io.HeapRegion region = new dev.torch4j.io.HeapRegion(legacy);
        long pos = 0;
        for (int i = 0; i < 5; i++) {
            dev.torch4j.pickle.PickleMachine m = new dev.torch4j.pickle.PickleMachine(region, pos,
                    new dev.torch4j.pickle.PickleMachine.Config("legacy", null, null, pid -> pid, true, null));
            try {
                m.load();
            } catch (TorchFileException e) {
                throw new IllegalStateException(e);
            }
            pos = m.position();
        }
        return (int) pos;
    }

    private static void tarCases(List<Case> cases) throws IOException {
        byte[] tar = Files.readAllBytes(Fixtures.root().resolveSibling("format").resolve("legacy_tar.pt"));
        int member = 0;
        for (int pos = 0; pos + 512 <= tar.length && tar[pos] != 0; member++) {
            long size = Long.parseLong(new String(tar, pos + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            long remaining = tar.length - pos - 512L;
            cases.add(octal("tar member " + member + ": size one past the end of the file", tar, pos, remaining + 1));
            cases.add(octal("tar member " + member + ": size 8^11-1", tar, pos, (1L << 33) - 1));
            byte[] bad = tar.clone();
            bad[pos + 124] = '9';
            cases.add(new Case("tar member " + member + ": non-octal size", bad, Expect.FAILURE));
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
    }

    private static Case octal(String name, byte[] tar, int header, long size) {
        byte[] b = tar.clone();
        byte[] digits = String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, b, header + 124, 11);
        return new Case(name, b, Expect.FAILURE);
    }

    private static void pickleCases(List<Case> cases) {
        int million = 1_000_000;
        cases.add(plain("pickle: sane baseline", new Pickle().proto(2).op(']').integer(7).op('a').stop(), Expect.SUCCESS));
        cases.add(plain("pickle: 1e6 nested MARKs", new Pickle().proto(2).repeat(million, '(').stop(), Expect.FAILURE));
        cases.add(plain("pickle: list nested 1e6 deep", new Pickle().proto(2).repeat(million, ']')
                .repeat(million - 1, 'a').stop(), Expect.ANY));
        cases.add(plain("pickle: dict nested 1e5 deep", new Pickle().proto(2).op('}')
                .repeat(100_000, 'X', 1, 0, 0, 0, 'k', '}').repeat(100_000, 's').stop(), Expect.ANY));
        for (int depth : new int[] {10_000, million}) {
            cases.add(plain("pickle: dict keyed by a tuple nested " + depth + " deep", new Pickle().proto(2).op('}', ')')
                    .repeat(depth, 0x85).op('N', 's').stop(), Expect.ANY));
        }
        cases.add(plain("pickle: BINGET 200 on an empty memo", new Pickle().proto(2).op('h', 200).stop(), Expect.FAILURE));
        cases.add(plain("pickle: LONG_BINGET 2^32-1", new Pickle().proto(2).op('j').le(0xFFFFFFFFL, 4).stop(), Expect.FAILURE));
        cases.add(plain("pickle: LONG_BINPUT/GET 2^32-1", new Pickle().proto(2).op('N', 'r').le(0xFFFFFFFFL, 4)
                .op('j').le(0xFFFFFFFFL, 4).op(0x86).stop(), Expect.ANY));
        cases.add(plain("pickle: PUT 10^22", new Pickle().op('N', 'p').ascii("10000000000000000000000\n").stop(), Expect.ANY));
        cases.add(plain("pickle: GET -1", new Pickle().op('N', 'p').ascii("0\n").op('g').ascii("-1\n").stop(), Expect.FAILURE));
        cases.add(plain("pickle: BINUNICODE8 of 2^62 bytes", new Pickle().proto(4).op(0x8d).le(1L << 62, 8).stop(), Expect.FAILURE));
        cases.add(plain("pickle: BINBYTES8 of 2^62 bytes", new Pickle().proto(4).op(0x8e).le(1L << 62, 8).stop(), Expect.FAILURE));
        cases.add(plain("pickle: FRAME of 2^62 bytes", new Pickle().proto(4).op(0x95).le(1L << 62, 8).op('N').stop(), Expect.FAILURE));
        cases.add(plain("pickle: LONG4 of 2^31-1 bytes", new Pickle().proto(2).op(0x8b).le(0x7FFFFFFFL, 4).stop(), Expect.FAILURE));
        cases.add(plain("pickle: BINSTRING of -1 bytes", new Pickle().proto(2).op('T').le(-1, 4).stop(), Expect.FAILURE));
    }

    private static Case plain(String name, Pickle p, Expect expect) {
        return new Case(name, p.bytes(), expect);
    }

    private static void nestedPayloadCases(List<Case> cases) {
        byte[] storage = new byte[16];
        byte[] inner = HostileBytes.torchZip(Pickle.floatTensor(4, 0, new long[] {4}, new long[] {1}), storage);
        cases.add(new Case("_load_from_bytes: one level", HostileBytes.torchZip(loadFromBytes(inner, 1), storage),
                Expect.SUCCESS));
        byte[] payload = inner;
        for (int depth = 1; depth <= 12; depth++) payload = HostileBytes.torchZip(loadFromBytes(payload, 1), storage);
        cases.add(new Case("_load_from_bytes: payloads nested 12 deep", payload, Expect.FAILURE));
        cases.add(new Case("_load_from_bytes: one payload loaded 200k times",
                HostileBytes.torchZip(loadFromBytes(inner, 200_000), storage), Expect.ANY));
        // _codecs.encode mints a fresh 1 MiB copy of one memoized str per call: 10^4 calls, 10 GiB.
        Pickle copies = new Pickle().proto(2).global("_codecs", "encode").op('q', 0)
                .op('X').le(1 << 20, 4).ascii("a".repeat(1 << 20)).op('q', 1).str("latin1").op('q', 2).op('0', '0', '0', ']', '(');
        copies.repeat(10_000, 'h', 0, 'h', 1, 'h', 2, 0x86, 'R');
        cases.add(new Case("pickle: 10^4 fresh 1 MiB copies via _codecs.encode", copies.op('e').stop().bytes(), Expect.ANY));
        // A DAG of shared lists: 2^40 distinct paths to one tensor in a 1 KB pickle.
        Pickle dag = new Pickle().proto(3);
        dag.global("torch.storage", "_load_from_bytes").bytes(inner).op(0x85, 'R', 'q', 0);
        for (int i = 1; i <= 40; i++) dag.op('(', 'h', i - 1, 'h', i - 1, 'l', 'q', i);
        cases.add(new Case("tensor paths: 2^40 paths through shared lists",
                HostileBytes.torchZip(dag.stop().bytes(), storage), Expect.ANY));
    }

    /** A list of {@code calls} results of {@code torch.storage._load_from_bytes(payload)}, the payload memoized once. */
    private static byte[] loadFromBytes(byte[] payload, int calls) {
        Pickle p = new Pickle().proto(3).global("torch.storage", "_load_from_bytes").op('q', 0).bytes(payload).op('q', 1);
        p.op('0', '0', ']', '(');
        p.repeat(calls, 'h', 0, 'h', 1, 0x85, 'R');
        return p.op('e').stop().bytes();
    }

    private static void zipBombCases(List<Case> cases) {
        byte[] pkl = new Pickle().proto(2).op('N').stop().bytes();
        // 1 GiB of zeros after a valid pickle, deflated to about 1 MiB.
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        byte[] zeros = new byte[1 << 20];
        byte[] first = Arrays.copyOf(pkl, zeros.length);
        for (int i = 0; i < 1024; i++) {
            d.setInput(i == 0 ? first : zeros);
            while (!d.needsInput()) compressed.write(buf, 0, d.deflate(buf));
        }
        d.finish();
        while (!d.finished()) compressed.write(buf, 0, d.deflate(buf));
        d.end();
        byte[] bomb = compressed.toByteArray();
        long crc = HostileBytes.crc(pkl);
        ZipEntry entry = new ZipEntry("archive/data.pkl", 8, bomb, 1024, bomb.length, crc, new byte[0], new byte[0], null);
        ZipEntry version = ZipEntry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        cases.add(new Case("zip bomb: data.pkl claims 1 KiB, inflates to 1 GiB", HostileBytes.zip(List.of(entry, version)),
                Expect.ANY));
        cases.add(new Case("zip bomb: data.pkl claims 2^31-16 bytes", HostileBytes.zip(List.of(
                entry.withSizes(0x7FFFFFF0L, bomb.length), version)), Expect.FAILURE));
        byte[] small = Arrays.copyOf(bomb, 64);
        cases.add(new Case("zip: 64 deflated bytes claim 2^31-16 bytes", HostileBytes.zip(List.of(
                new ZipEntry("archive/data.pkl", 8, small, 0x7FFFFFF0L, 64, crc, new byte[0], new byte[0], null),
                version)), Expect.FAILURE));
    }

    private static Case patched(String name, byte[] data, int at, long value, int n) {
        return new Case(name, patch(data, at, value, n), Expect.ANY);
    }

    private static byte[] patch(byte[] data, int at, long value, int n) {
        byte[] b = data.clone();
        HostileBytes.putLE(b, at, value, n);
        return b;
    }

    // ---- the check ----

    /** Runs the whole read path on {@code bytes} under the time limit; records any broken promise. */
    private static void check(List<String> failures, String what, byte[] bytes, Expect expect) throws IOException {
        Path file = scratch().resolve("case-" + counter.incrementAndGet() + ".pt");
        Files.write(file, bytes);
        String problem;
        try {
            problem = WORKER.run(() -> readEverything(file, expect));
        } finally {
            Files.delete(file);
        }
        if (problem != null) failures.add(what + ": " + problem);
    }

    /**
     * Like assertTimeoutPreemptively, but reusing one worker thread across cases (tens of thousands
     * of them): a case that overruns is interrupted and its thread abandoned for a fresh one.
     */
    private static final class Worker {
        private ExecutorService executor = fresh();

        private static ExecutorService fresh() {
            return Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "hostile-input-case");
                t.setDaemon(true); // an abandoned, stuck case must not keep the JVM alive
                return t;
            });
        }

        synchronized String run(Callable<String> task) {
            Future<String> f = executor.submit(task);
            try {
                return f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                executor.shutdownNow();
                executor = fresh();
                return "no answer within " + LIMIT.toSeconds() + " s";
            } catch (ExecutionException e) {
                return "escaped " + describe(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    private static final Worker WORKER = new Worker();

    /** Cases are written to RAM (tmpfs) where there is one: tens of thousands of small files. */
    private static Path scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (scratchDir == null) {
            scratchDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "torch4j-hostile") : tmp;
            scratchDir.toFile().deleteOnExit();
        }
        return scratchDir;
    }

    private static Path scratchDir;

    private static String readEverything(Path file, Expect expect) {
        try (Checkpoint c = Torch.open(file)) {
            c.metadata();
            Map<String, Tensor> tensors = c.tensors();
            c.stateDict();
            Set<Tensor> hashed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                if (!hashed.add(e.getValue())) continue; // one tensor under several names: read once
                try {
                    e.getValue().sha256();
                } catch (UncheckedIOException u) {
                    if (!(u.getCause() instanceof TorchFileException t)) {
                        return "reading tensor '" + e.getKey() + "' threw " + describe(u);
                    }
                    return messageProblem(t, file);
                }
            }
            return expect == Expect.FAILURE ? "hostile input was accepted" : null;
        } catch (TorchFileException e) {
            if (expect == Expect.SUCCESS) return "valid input refused: " + e.getMessage();
            return messageProblem(e, file);
        } catch (Throwable t) {
            return "escaped " + describe(t);
        }
    }

    /** The message must name the file exactly once, up front, and say what is wrong. */
    private static String messageProblem(TorchFileException e, Path file) {
        String name = file.toString();
        String message = e.getMessage();
        if (e.file() == null || !e.file().startsWith(name)) return "names file " + e.file() + ": " + message;
        int first = message.indexOf(name);
        if (first != 0 || message.indexOf(name, first + 1) >= 0) return "file not named exactly once, first: " + message;
        if (e.offset() < -1) return "negative offset: " + message;
        if (e.reason() == null || e.reason().isBlank()) return "no reason: " + message;
        // The readers' catch-alls keep raw exceptions from escaping, but reaching one means a check is missing.
        if (message.contains("unexpected java.") || message.contains("internal error while reading")) {
            return "caught by a catch-all: " + message;
        }
        return null;
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return t + (st.length > 0 ? " at " + st[0] : "");
    }

    // ---- fixtures and mutations ----

    private static List<Path> fixtures() {
        List<Path> out = new ArrayList<>();
        try {
            for (String dir : FIXTURE_DIRS) list(Fixtures.root().resolve(dir), out);
            list(Fixtures.root().resolveSibling("format"), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void list(Path dir, List<Path> out) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !p.getFileName().toString().endsWith(".json")).sorted().forEach(out::add);
        }
    }

    private static String label(Path f) {
        return f.getParent().getFileName() + "/" + f.getFileName();
    }

    /** Every length below 2 KiB; about 200 evenly spread lengths above (always including 0 and n-1). */
    static List<Integer> truncationLengths(int n) {
        List<Integer> out = new ArrayList<>();
        if (n < 2048) {
            for (int i = 0; i < n; i++) out.add(i);
        } else {
            for (int i = 0; i < 200; i++) out.add((int) ((long) i * (n - 1) / 199));
        }
        return out;
    }

    private static final long[] HUGE = {0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 1L << 62, Long.MAX_VALUE, -1L, 1L << 31};

    static String mutate(byte[] m, Random r) {
        int at = r.nextInt(m.length);
        switch (r.nextInt(4)) {
            case 0 -> {
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                return n + " random bytes";
            }
            case 1 -> {
                long v = HUGE[r.nextInt(HUGE.length)];
                int width = r.nextBoolean() ? 4 : 8;
                for (int i = 0; i < width && at + i < m.length; i++) m[at + i] = (byte) (v >>> (8 * i));
                return "huge " + Long.toHexString(v) + " over " + width + " bytes at " + at;
            }
            case 2 -> {
                int n = 1 + r.nextInt(64);
                Arrays.fill(m, at, Math.min(m.length, at + n), (byte) 0);
                return n + " zero bytes at " + at;
            }
            default -> {
                m[at] ^= (byte) (1 << r.nextInt(8));
                return "bit flip at " + at;
            }
        }
    }

    private static void report(Path fixture, List<String> failures) {
        if (failures.isEmpty()) return;
        StringBuilder sb = new StringBuilder(label(fixture) + ": " + failures.size() + " broken promises");
        failures.stream().limit(15).forEach(f -> sb.append("\n  ").append(f));
        fail(sb.toString());
    }
}
