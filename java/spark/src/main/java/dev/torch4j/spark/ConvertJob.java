package dev.torch4j.spark;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.safetensors.WriteReport;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * {@code convert INPUT OUTPUT --to safetensors}: every checkpoint under INPUT becomes
 * {@code OUTPUT/<its relative path>.safetensors} holding its state dict (what
 * {@code torch4j convert} writes). A task writes each file as a temporary in the job folder on the
 * output's file system and renames it into place, so a reader of OUTPUT never sees a half-written
 * file, and a task that Spark re-runs (its executor died) replaces its own earlier outputs without
 * {@code --force}; see {@link JobOutput}. Returns one JSON line per file: {@code file},
 * {@code output}, {@code tensors}, {@code bytes}, {@code dropped} (duplicate names kept once), or
 * {@code error}.
 */
final class ConvertJob {
    /** Files per task at most: a task's set-up (deserialising it, a Hadoop FileSystem lookup) is paid once per partition. */
    private static final int MAX_FILES_PER_PARTITION = 256;

    private ConvertJob() {}

    static List<String> run(SparkSession spark, String input, String output, boolean force, ReadOptions options) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path inputPath = new Path(input);
        FileSystem inFs = inputPath.getFileSystem(hadoop);
        boolean single = inFs.getFileStatus(inputPath).isFile();
        String root = inFs.makeQualified(single ? inputPath.getParent() : inputPath).toString();
        List<String> files = new ArrayList<>();
        for (StoreListing.StoreFile f : StoreListing.list(List.of(input), hadoop, new FileFilter(new Filter[0]))) {
            files.add(f.file());
        }
        if (files.isEmpty()) return List.of();
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        // a few tasks per core (stragglers, a lost executor's share), whole files each
        int partitions = Math.max(1, Math.min(files.size(),
                Math.max(cores * 4, (files.size() + MAX_FILES_PER_PARTITION - 1) / MAX_FILES_PER_PARTITION)));
        Path outputPath = new Path(output);
        String outputRoot = outputPath.getFileSystem(hadoop).makeQualified(outputPath).toString();
        JobOutput job = new JobOutput(outputRoot, UUID.randomUUID().toString(), force);
        Task task = new Task(new HadoopConf(hadoop), options, root, job, TaskCpu.accumulator(spark));
        try {
            return spark.sparkContext().parallelize(CollectionConverters.asScala(files).toSeq(), partitions,
                            scala.reflect.ClassTag$.MODULE$.apply(String.class))
                    .toJavaRDD().mapPartitions(task).collect();
        } finally {
            job.cleanUp(hadoop);
        }
    }

    /** Runs on executors: converts each file of a partition under its budget. */
    record Task(HadoopConf conf, ReadOptions options, String inputRoot, JobOutput job, LongAccumulator taskCpuNanos)
            implements FlatMapFunction<Iterator<String>, String>, Serializable {
        @Override public Iterator<String> call(Iterator<String> files) {
            long cpu = TaskCpu.currentThreadNanos();
            List<String> lines = new ArrayList<>();
            long attempt = TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId();
            try (FileWork work = new FileWork(conf.get(), options)) {
                while (files.hasNext()) {
                    String file = files.next();
                    String relative = relativeTarget(file);
                    String target = job.outputRoot() + "/" + relative;
                    try {
                        WriteReport r = work.withinBudget(file, budget -> convert(file, relative, attempt, budget));
                        lines.add(line(file, target, r, null));
                    } catch (Exception e) {
                        lines.add(line(file, target, null, Failures.message(e)));
                    }
                }
                taskCpuNanos.add(TaskCpu.currentThreadNanos() - cpu + work.workerCpuNanos());
            }
            return lines.iterator();
        }

        /** relative/path/name.safetensors for INPUT/relative/path/name.ext. */
        String relativeTarget(String file) {
            String relative = file.startsWith(inputRoot + "/") ? file.substring(inputRoot.length() + 1) : new Path(file).getName();
            int slash = relative.lastIndexOf('/');
            int dot = relative.lastIndexOf('.');
            String stem = dot > slash + 1 ? relative.substring(0, dot) : relative;
            return stem + ".safetensors";
        }

        private WriteReport convert(String file, String relative, long attempt, Budget budget) throws IOException {
            Configuration c = conf.get();
            Path temporary = job.temporary(relative, attempt);
            FileSystem fs = JobOutput.fileSystem(temporary, c);
            job.claim(fs, relative);
            try (Checkpoint cp = Torch.open(HadoopSource.open(file, c, budget), file, LoadOptions.DEFAULT)) {
                WriteReport report;
                if (fs instanceof RawLocalFileSystem local) {
                    // file://: written straight into the job folder
                    java.nio.file.Path path = local.pathToFile(temporary).toPath();
                    Files.createDirectories(path.getParent());
                    report = new SafetensorsWriter().overwrite(true).write(cp.stateDict(), path);
                } else {
                    report = writeThroughLocalCopy(cp, fs, temporary);
                }
                job.publish(fs, temporary, relative);
                return report;
            } catch (IOException | RuntimeException e) {
                fs.delete(temporary, false);
                throw e;
            }
        }

        /**
         * Other file systems take a finished file: the writer's copy is made in this executor's Spark
         * local folder, which the worker deletes with the application's folders even if this executor dies.
         */
        private static WriteReport writeThroughLocalCopy(Checkpoint cp, FileSystem fs, Path temporary) throws IOException {
            java.nio.file.Path local = Files.createTempFile(LocalScratch.folder(), "torch4j-convert-", ".safetensors");
            try {
                WriteReport report = new SafetensorsWriter().overwrite(true).write(cp.stateDict(), local);
                // through create(), the stream every Hadoop file system has (S3A's copyFromLocalFile wants its async client)
                try (var out = fs.create(temporary, true)) {
                    Files.copy(local, out);
                }
                return report;
            } finally {
                Files.deleteIfExists(local);
            }
        }

        private static String line(String file, String target, WriteReport r, String error) {
            try {
                StringWriter s = new StringWriter();
                JsonWriter w = new JsonWriter(s, false);
                w.beginObject().name("file").value(file);
                if (error == null) {
                    w.name("output").value(target).name("tensors").value(r.tensorsWritten()).name("bytes").value(r.bytesWritten());
                    w.name("dropped").beginObject();
                    for (var e : r.dropped().entrySet()) w.name(e.getKey()).value(e.getValue());
                    w.endObject();
                } else {
                    w.name("error").value(error);
                }
                w.endObject();
                w.finish();
                return s.toString().trim();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
