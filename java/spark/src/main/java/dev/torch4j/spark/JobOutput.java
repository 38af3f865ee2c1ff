package dev.torch4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where one convert job puts its files so that a re-run task is safe. Everything in flight lives in
 * a job folder, {@code OUTPUT/_torch4j-job-<id>/}, on the output's own file system (hidden from
 * listings by its {@code _}); the driver deletes that folder when the job ends, whatever happened
 * to the executors, so no temporary outlives the job.
 *
 * <p>Before a task moves a file into place it leaves a claim, {@code <job folder>/<relative>.claim}.
 * A target that exists is this job's own earlier output (a task that ran before its executor died)
 * exactly when its claim is there: it is replaced, with the same bytes. A target without a claim
 * existed before the job and is refused unless {@code --force}.
 */
record JobOutput(String outputRoot, String jobId, boolean force) implements Serializable {
    static final String PREFIX = "_torch4j-job-";

    Path jobFolder() {
        return new Path(outputRoot, PREFIX + jobId);
    }

    /** The output's file system; for {@code file://} the raw one, which writes no {@code .crc} files. */
    static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** {@code relative} is the target's path under OUTPUT. Throws when a target that predates the job is in the way. */
    void claim(FileSystem fs, String relative) throws IOException {
        Path target = new Path(outputRoot, relative);
        Path claim = claimOf(relative);
        if (!force && fs.exists(target) && !fs.exists(claim)) {
            throw new IOException(target + ": exists (use --force to replace it)");
        }
        fs.mkdirs(claim.getParent());
        fs.create(claim, true).close();
    }

    Path claimOf(String relative) {
        return new Path(jobFolder(), relative + ".claim");
    }

    /** A temporary name in the job folder, unique to the task attempt. */
    Path temporary(String relative, long attempt) {
        return new Path(jobFolder(), relative + "." + attempt + ".tmp");
    }

    /** Moves a finished temporary over the target (claimed before). */
    void publish(FileSystem fs, Path temporary, String relative) throws IOException {
        Path target = new Path(outputRoot, relative);
        fs.mkdirs(target.getParent());
        if (fs.exists(target)) fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            // a duplicate attempt of this task may have moved the same bytes into place first
            if (!fs.exists(target)) throw new IOException(target + ": cannot move the converted file into place");
            fs.delete(temporary, false);
        }
    }

    /** Driver, when the job ends: the claims and whatever temporaries dead executors left. */
    void cleanUp(Configuration conf) throws IOException {
        Path folder = jobFolder();
        fileSystem(folder, conf).delete(folder, true);
    }
}
