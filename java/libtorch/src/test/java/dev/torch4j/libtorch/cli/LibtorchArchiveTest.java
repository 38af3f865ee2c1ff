package dev.torch4j.libtorch.cli;

import dev.torch4j.libtorch.LibtorchBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libtorch commands' class-data-sharing archive (bin/torch4j records it with
 * {@code CdsTraining --libtorch}): the training run succeeds with libtorch present, and a later
 * {@code torch4j info} takes the preset's wrapper classes from the archive, not from the jars.
 */
class LibtorchArchiveTest {
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(List<String> cmd, int expectedExit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    /** The class path with each folder replaced by a jar of its files (in {@code into}). */
    private static String jarsOnly(String classPath, Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                out.add(entry);
                continue;
            }
            Path jar = into.resolve("folder" + n++ + ".jar");
            try (var zip = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(p)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new java.util.jar.JarEntry(p.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    @Test
    void trainingRecordsThePresetsClassesAndInfoUsesThem(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(LibtorchBackend.isAvailable(), () -> "libtorch unavailable: " + LibtorchBackend.probe().reason());
        // CDS takes jars only (a non-empty directory on the class path fails the dump): the build's
        // class folders (target/classes...) are packed into jars first, as the distribution has them.
        String cp = jarsOnly(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), dir);
        Path archive = dir.resolve("libtorch.jsa");
        List<String> base = List.of(java(), "-XX:+UseSerialGC", "-Dtorch4j.libtorch.blas=openblas", "-cp", cp);
        List<String> train = new ArrayList<>(base);
        train.addAll(1, List.of("-XX:ArchiveClassesAtExit=" + archive));
        train.addAll(List.of("dev.torch4j.cli.CdsTraining", "--libtorch"));
        run(train, 0);
        assertTrue(Files.size(archive) > 10_000_000, "the preset's ~3,000 classes: " + Files.size(archive) + " bytes");
        List<String> info = new ArrayList<>(base);
        info.addAll(1, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info"));
        info.addAll(List.of("dev.torch4j.cli.Main", "info"));
        String log = run(info, 0);
        long shared = log.lines().filter(l -> l.contains("org.bytedeco.pytorch.") && l.contains("shared objects file")).count();
        long fromJar = log.lines().filter(l -> l.contains("org.bytedeco.pytorch.") && l.contains("source: jar:")).count();
        assertTrue(shared > 1000 && fromJar < 50, "wrapper classes from the archive: " + shared + ", from the jar: " + fromJar);
    }
}
