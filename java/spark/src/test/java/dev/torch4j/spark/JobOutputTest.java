package dev.torch4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Who may replace an output: the job that claimed it (a re-run task), or --force; never a later job by accident. */
class JobOutputTest {
    @TempDir java.nio.file.Path tmp;

    @Test void aRerunTaskReplacesItsOwnOutputAndALaterJobIsRefused() throws Exception {
        Configuration conf = new Configuration();
        String root = tmp.toUri().toString();
        JobOutput first = new JobOutput(root, "job-1", false);
        FileSystem fs = JobOutput.fileSystem(new Path(root), conf);

        write(fs, first, "a/m.safetensors", 1, "v1");        // the task's first attempt publishes, then its executor dies
        Path leftover = first.temporary("a/n.safetensors", 1); // ... in the middle of its next file
        fs.create(leftover).close();
        write(fs, first, "a/m.safetensors", 2, "v1");        // the re-run attempt replaces it, no --force
        assertEquals("v1", Files.readString(tmp.resolve("a/m.safetensors")));
        first.cleanUp(conf);
        try (Stream<java.nio.file.Path> s = Files.walk(tmp)) {
            assertEquals(1, s.filter(Files::isRegularFile).count(), "only the output is left: claims and temporaries gone");
        }

        JobOutput second = new JobOutput(root, "job-2", false);
        IOException refused = assertThrows(IOException.class, () -> second.claim(fs, "a/m.safetensors"));
        assertTrue(refused.getMessage().endsWith("a/m.safetensors: exists (use --force to replace it)"), refused.getMessage());
        write(fs, new JobOutput(root, "job-3", true), "a/m.safetensors", 1, "v2");
        assertEquals("v2", Files.readString(tmp.resolve("a/m.safetensors")));
    }

    private static void write(FileSystem fs, JobOutput job, String relative, long attempt, String content) throws IOException {
        job.claim(fs, relative);
        Path t = job.temporary(relative, attempt);
        try (var o = fs.create(t, true)) {
            o.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        job.publish(fs, t, relative);
    }
}
