package dev.torch4j.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.util.Utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local folder for files a task needs only while it runs. On an executor it is one of Spark's
 * local folders for the application, which a standalone worker deletes when the application ends
 * (even when the executor was killed) and YARN or Kubernetes delete with the container; elsewhere
 * the JVM's temporary folder.
 */
final class LocalScratch {
    private LocalScratch() {}

    static Path folder() throws IOException {
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            try {
                return Files.createDirectories(Path.of(Utils.getLocalDir(env.conf())));
            } catch (RuntimeException e) {
                // no usable Spark local folder: fall back
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
