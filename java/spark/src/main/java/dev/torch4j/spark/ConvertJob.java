package dev.torch4j.spark;

import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.Torch;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.safetensors.SafetensorsWriter;
import dev.torch4j.safetensors.WriteReport;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.sources.Filter;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code convert INPUT OUTPUT --to safetensors}: every checkpoint under INPUT becomes
 * {@code OUTPUT/<its relative path>.safetensors} holding its state dict (what
 * {@code torch4j convert} writes). Each task writes to a local temporary file, copies it next to
 * the target under a hidden name and renames it into place, so a reader of OUTPUT never sees a
 * half-written file. Returns one JSON line per file: {@code file}, {@code output},
 * {@code tensors}, {@code dropped} (duplicate names kept once), or {@code error}.
 */
final class ConvertJob {
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
        int partitions = Math.max(1, Math.min(files.size(), spark.sparkContext().defaultParallelism() * 4));
        Path outputPath = new Path(output);
        String outputRoot = outputPath.getFileSystem(hadoop).makeQualified(outputPath).toString();
        Task task = new Task(new HadoopConf(hadoop), options, root, outputRoot, force);
        return spark.createDataset(files, Encoders.STRING()).repartition(partitions)
                .mapPartitions(task, Encoders.STRING()).collectAsList();
    }

    /** Runs on executors: converts each file of a partition under its budget. */
    record Task(HadoopConf conf, ReadOptions options, String inputRoot, String outputRoot, boolean force)
            implements MapPartitionsFunction<String, String>, Serializable {
        @Override public Iterator<String> call(Iterator<String> files) {
            List<String> lines = new ArrayList<>();
            try (FileWork work = new FileWork(conf.get(), options)) {
                while (files.hasNext()) {
                    String file = files.next();
                    String target = targetOf(file);
                    try {
                        WriteReport r = work.withinBudget(file, budget -> convert(file, target, budget));
                        lines.add(line(file, target, r, null));
                    } catch (Exception e) {
                        lines.add(line(file, target, null, Failures.message(e)));
                    }
                }
            }
            return lines.iterator();
        }

        /** OUTPUT/relative/path/name.safetensors for INPUT/relative/path/name.ext. */
        String targetOf(String file) {
            String relative = file.startsWith(inputRoot + "/") ? file.substring(inputRoot.length() + 1) : new Path(file).getName();
            int slash = relative.lastIndexOf('/');
            int dot = relative.lastIndexOf('.');
            String stem = dot > slash + 1 ? relative.substring(0, dot) : relative;
            return outputRoot + "/" + stem + ".safetensors";
        }

        private WriteReport convert(String file, String target, Budget budget) throws IOException {
            Path out = new Path(target);
            FileSystem fs = out.getFileSystem(conf.get());
            // the raw local file system: no .crc files beside the outputs
            if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem();
            if (!force && fs.exists(out)) throw new IOException(target + ": exists (use --force to replace it)");
            java.nio.file.Path local = Files.createTempFile("torch4j-convert-", ".safetensors");
            try (Checkpoint cp = Torch.open(HadoopSource.open(file, conf.get(), budget), file, LoadOptions.DEFAULT)) {
                WriteReport report = new SafetensorsWriter().overwrite(true).write(cp.stateDict(), local);
                Path hidden = new Path(out.getParent(), "." + out.getName() + ".tmp");
                fs.mkdirs(out.getParent());
                fs.copyFromLocalFile(false, true, new Path(local.toUri()), hidden);
                if (fs.exists(out)) fs.delete(out, false);
                if (!fs.rename(hidden, out)) throw new IOException(target + ": cannot move the converted file into place");
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
