package dev.torch4j.cli;

import dev.torch4j.json.Json;
import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command-line convention, command by command: exit 0 ok, 1 finding, 2 usage or bad input, 3
 * backend missing; {@code --json} parses; missing input names the user's path and no Java class;
 * writers refuse an existing output without {@code --force} and leave it untouched; an interrupted
 * write (SIGTERM) leaves no temporary file.
 */
class CliConventionTest {
    @TempDir Path dir;

    private static String mlp() throws IOException {
        return Fixtures.file("zip/mlp_state_dict.pt").toString();
    }

    /** Messages for people: no exception class names, no stack traces. */
    private static void assertNoJavaJargon(CliRun r) {
        assertFalse(r.err().matches("(?s).*\\b(java|picocli)\\.[a-z]+\\..*"), r::toString);
        assertFalse(r.err().matches("(?s).*[A-Z][A-Za-z]*(Exception|Error)\\b.*"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test void noCommandIsAUsageErrorWithUsageOnStderr() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("Usage: torch4j"), r::toString);
        assertTrue(r.err().contains("inspect") && r.err().contains("bytecode-version"), r::toString);
    }

    @Test void unknownOptionsAndCommandsExitTwoWithoutClassNames() throws Exception {
        for (String[] args : List.of(new String[] {"inspect", "--nope", mlp()}, new String[] {"frobnicate"},
                new String[] {"convert", mlp()}, new String[] {"convert", "--max-shard-size", "lots", mlp(), dir.resolve("o.pt").toString()},
                new String[] {"convert", mlp(), dir.resolve("o.xyz").toString()})) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().startsWith("torch4j: "), r::toString);
            assertNoJavaJargon(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "scan", "convert", "bytecode-version"})
    void missingInputExitsTwoNamingThePath(String command) {
        Path absent = dir.resolve("absent.pt");
        List<String> args = new ArrayList<>(List.of(command, absent.toString()));
        if (command.equals("convert")) args.add(dir.resolve("out.pt").toString());
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(absent + ": no such file"), r::toString);
        assertNoJavaJargon(r);
        assertFalse(Files.exists(dir.resolve("out.pt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "scan", "convert", "bytecode-version", "info"})
    @SuppressWarnings("unchecked")
    void jsonParses(String command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--json"));
        switch (command) {
            case "inspect", "scan" -> args.add(mlp());
            case "convert" -> {
                args.add(mlp());
                args.add(dir.resolve("o.safetensors").toString());
            }
            case "bytecode-version" -> args.add(Fixtures.file("mobile/scripted.ptl").toString());
            default -> { }
        }
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r::toString);
        Object json = Json.parse(r.out());
        assertTrue(json instanceof Map, r::toString);
        if (command.equals("bytecode-version")) {
            // PyTorch 1.13's _save_for_lite_interpreter wrote the fixture: bytecode version 8.
            assertEquals(8L, ((Map<String, Object>) json).get("bytecode_version"));
        }
    }

    @Test void bytecodeVersionNeedsNoLibtorchAndRejectsOtherFormats() throws Exception {
        CliRun ok = CliRun.of("bytecode-version", Fixtures.file("mobile/scripted.ptl").toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals("8", ok.out().strip());
        CliRun pt = CliRun.of("bytecode-version", mlp());
        assertEquals(2, pt.exit(), pt::toString);
        assertTrue(pt.err().contains(mlp() + ": not a PyTorch Mobile (.ptl) file but zip"), pt::toString);
        assertNoJavaJargon(pt);
    }

    @Test void existingOutputIsRefusedAndUntouchedWithoutForce() throws Exception {
        Path out = dir.resolve("out.safetensors");
        byte[] old = "precious".getBytes(StandardCharsets.UTF_8);
        Files.write(out, old);
        CliRun r = CliRun.of("convert", mlp(), out.toString());
        assertEquals(2, r.exit(), r::toString);
        assertEquals("torch4j: " + out + ": already exists (use --force to replace it)", r.err().strip());
        assertArrayEquals(old, Files.readAllBytes(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList());
        }
    }

    @Test void outputsHonourTheUmaskAndErrorsNameTheUsersPath() throws Exception {
        Path out = dir.resolve("o.pt");
        assertEquals(0, CliRun.of("convert", mlp(), out.toString()).exit());
        // Created like any new file (umask 022 here), not owner-only like Java's temporary files.
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(out));
        assertEquals(umaskMode(), mode);
        Path inMissingDir = dir.resolve("no/such/dir/o.pt");
        CliRun r = CliRun.of("convert", mlp(), inMissingDir.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("torch4j: " + inMissingDir + ": "), r::toString);
        assertFalse(r.err().contains(".tmp"), r::toString);
    }

    /** The mode a new file gets from this process's umask (rw-r--r-- under the usual 022). */
    private String umaskMode() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(probe));
        Files.delete(probe);
        return mode;
    }

    /**
     * A child JVM converting a 2 GiB (sparse) safetensors file is sent SIGTERM as soon as its
     * temporary file appears: neither the temporary file nor the output may remain.
     */
    @Test void sigtermMidWriteLeavesNoTemporaryFile() throws Exception {
        Path in = sparseSafetensors(dir.resolve("big.safetensors"), 1L << 29); // 2 GiB of float32 zeros
        Path out = dir.resolve("big.pt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.torch4j.cli.Main",
                "convert", in.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Path temp = null;
            while (temp == null && p.isAlive() && System.nanoTime() < deadline) {
                try (Stream<Path> s = Files.list(dir)) {
                    temp = s.filter(f -> f.getFileName().toString().startsWith(".big.pt.")).findFirst().orElse(null);
                }
                if (temp == null) Thread.sleep(5);
            }
            assertTrue(temp != null, () -> "the child never started writing: " + readLog());
            long written = Files.size(temp);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not exit on SIGTERM");
            assertTrue(written < (2L << 30), "the write was not interrupted");
        } finally {
            p.destroyForcibly();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> left = s.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("big.safetensors", "child.log"), left, this::readLog);
        }
    }

    /**
     * A child JVM writing a three-shard conversion is sent SIGINT or SIGTERM once its first shard is
     * complete: no shard, index or temporary file may remain, and the same command then runs without
     * {@code --force}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void signalMidShardedConvertLeavesNoShard(String signal) throws Exception {
        Path in = sparseSafetensors(dir.resolve("big.safetensors"), 3, 1L << 26); // 3 tensors of 256 MiB
        Path out = dir.resolve("model.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.torch4j.cli.Main",
                "convert", "--max-shard-size", "300MB", in.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path first = dir.resolve("model-00001-of-00003.safetensors");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(first) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(1);
            assertTrue(Files.exists(first) && p.isAlive(), () -> "no first shard while the child ran: " + readLog());
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not exit on SIG" + signal);
            assertTrue(p.exitValue() != 0, "the child finished before the signal: " + readLog());
        } finally {
            p.destroyForcibly();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> left = s.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("big.safetensors", "child.log"), left, this::readLog);
        }
        CliRun rerun = CliRun.of("convert", "--max-shard-size", "300MB", in.toString(), out.toString());
        assertEquals(0, rerun.exit(), rerun::toString);
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")), rerun::toString);
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A valid safetensors file of {@code n} float32 zeros whose data is a hole: no disk used. */
    private static Path sparseSafetensors(Path file, long n) throws IOException {
        return sparseSafetensors(file, 1, n);
    }

    /** {@code count} tensors w0, w1... of {@code n} float32 zeros each, the data a hole. */
    private static Path sparseSafetensors(Path file, int count, long n) throws IOException {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String name = count == 1 ? "w" : "w" + i;
            entries.append(i == 0 ? "" : ",").append("\"").append(name).append("\":{\"dtype\":\"F32\",\"shape\":[").append(n)
                    .append("],\"data_offsets\":[").append(4 * n * i).append(',').append(4 * n * (i + 1)).append("]}");
        }
        String header = "{" + entries + "}";
        while (header.length() % 8 != 0) header += " ";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.setLength(8 + h.length + 4 * n * count);
        }
        return file;
    }
}
