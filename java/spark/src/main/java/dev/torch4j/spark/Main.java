package dev.torch4j.spark;

import dev.torch4j.json.JsonWriter;
import dev.torch4j.scan.Verdict;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.storage.StorageLevel;

import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * {@code index|scan|convert INPUT OUTPUT} on Spark. INPUT is a file or directory on any Hadoop
 * file system; OUTPUT a directory of JSON-lines part files (index, scan) or of converted files
 * plus {@code _convert.jsonl} (convert). Exit status: 0 done, 1 a dangerous file was found (scan)
 * or some files could not be read (their rows carry {@code error}), 2 usage or unreadable INPUT.
 */
public final class Main {
    static final String USAGE = """
            usage: dev.torch4j.spark.Main index|scan|convert INPUT OUTPUT [--to safetensors] [--master URL]
                                          [--conf KEY=VALUE]... [--force] [--json] [--no-hash]
                                          [--file-timeout SECONDS] [--max-file-bytes N]
              index    one JSON line per tensor: file, path, dtype, shape, sha256 (error when unreadable)
              scan     one JSON line per file: file, verdict (torch4j scan's: dangerous|unreadable|unknown|clean|skipped),
                       globals, findings, error
              convert  every checkpoint's state dict to OUTPUT/<relative path>.safetensors
            """;

    private Main() {}

    public static void main(String[] args) {
        SparkLaunch.quietLogging();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--conf" -> {
                    if (i + 1 >= args.length || args[i + 1].indexOf('=') <= 0) return usage(err, "--conf needs KEY=VALUE");
                    String kv = args[++i];
                    conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                case "--master", "--to", "--file-timeout", "--max-file-bytes" -> {
                    if (i + 1 >= args.length) return usage(err, a + " needs a value");
                    flags.put(a, args[++i]);
                }
                case "--force", "--json", "--no-hash" -> flags.put(a, "true");
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) return usage(err, "unknown option " + a);
                    positional.add(a);
                }
            }
        }
        if (positional.size() != 3) return usage(err, "expected a command, INPUT and OUTPUT");
        String command = positional.get(0), input = positional.get(1), output = positional.get(2);
        if (!List.of("index", "scan", "convert").contains(command)) return usage(err, "unknown command " + command);
        if (command.equals("convert") && !"safetensors".equals(flags.getOrDefault("--to", "safetensors"))) {
            return usage(err, "convert: --to safetensors is the only target");
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("hash", String.valueOf(!flags.containsKey("--no-hash")));
        if (flags.containsKey("--file-timeout")) options.put("fileTimeoutSeconds", flags.get("--file-timeout"));
        if (flags.containsKey("--max-file-bytes")) options.put("maxFileBytes", flags.get("--max-file-bytes"));
        ReadOptions readOptions;
        try {
            readOptions = ReadOptions.from(new CaseInsensitiveStringMap(options));
        } catch (RuntimeException e) {
            return usage(err, e.getMessage());
        }

        SparkSession spark = SparkLaunch.session("torch4j " + command, flags.get("--master"), conf);
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        try {
            Path in = new Path(input);
            if (!in.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(in)) {
                err.println("torch4j: " + input + ": no such file or directory");
                return 2;
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("command", command);
            summary.put("input", input);
            summary.put("output", output);
            int status = switch (command) {
                case "index" -> index(spark, input, output, options, flags.containsKey("--force"), summary);
                case "scan" -> scan(spark, input, output, options, flags.containsKey("--force"), summary);
                default -> convert(spark, input, output, flags.containsKey("--force"), readOptions, summary);
            };
            summary.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
            // The driver's CPU time plus every task's thread CPU time (an accumulator): the job's cost on any cluster.
            // In local mode the tasks run in this JVM, so the driver's share is its process time less the tasks'.
            long cpu = processCpuNanos();
            long tasks = TaskCpu.nanos(spark);
            if (cpu >= 0 && cpuStart >= 0) {
                long driver = SparkLaunch.isLocal(spark) ? Math.max(0, cpu - cpuStart - tasks) : cpu - cpuStart;
                summary.put("cpuSeconds", Math.round((driver + tasks) / 1e7) / 100.0);
                summary.put("taskCpuSeconds", Math.round(tasks / 1e7) / 100.0);
            }
            report(out, flags.containsKey("--json"), summary);
            return status;
        } catch (Exception e) {
            err.println("torch4j: " + Failures.message(e));
            return 2;
        } finally {
            spark.stop();
        }
    }

    private static int index(SparkSession spark, String input, String output, Map<String, String> options, boolean force,
                             Map<String, Object> summary) {
        Dataset<Row> rows = spark.read().format("torch4j").options(options).load(input)
                .select("file", "path", "dtype", "shape", "sha256", "error").persist(StorageLevel.MEMORY_AND_DISK());
        rows.write().mode(force ? SaveMode.Overwrite : SaveMode.ErrorIfExists).json(output);
        Row counts = rows.selectExpr("count(path)", "count(distinct file)", "count(error)").first();
        rows.unpersist();
        summary.put("tensors", counts.getLong(0));
        summary.put("files", counts.getLong(1));
        summary.put("errors", counts.getLong(2));
        return counts.getLong(2) > 0 ? 1 : 0;
    }

    private static int scan(SparkSession spark, String input, String output, Map<String, String> options, boolean force,
                            Map<String, Object> summary) throws InterruptedException {
        // The counts ride along with the write (observed metrics): one job, no cached copy of the rows, no shuffle.
        // A second aggregation job over persisted rows cost the driver about 2 CPU-s of planning, code generation
        // and cache building on a small store, more than the scan of 2,000 files itself.
        Observation counts = new Observation("torch4j-scan");
        List<Column> metrics = new ArrayList<>();
        metrics.add(count(lit(1)).as("files"));
        metrics.add(count(col("error")).as("errors"));
        for (Verdict v : Verdict.values()) metrics.add(count(when(col("verdict").equalTo(v.id()), 1)).as(v.id()));
        Dataset<Row> rows = spark.read().format("torch4j").options(options).option("mode", "files").load(input)
                .select("file", "verdict", "globals", "findings", "error")
                .observe(counts, metrics.get(0), metrics.subList(1, metrics.size()).toArray(new Column[0]));
        rows.write().mode(force ? SaveMode.Overwrite : SaveMode.ErrorIfExists).json(output);
        Map<String, Object> m = counts.getAsJava();
        for (Verdict v : Verdict.values()) {
            long n = ((Number) m.get(v.id())).longValue();
            if (n > 0) summary.put(v.id(), n);
        }
        long unreadable = ((Number) m.get("errors")).longValue();
        summary.put("files", ((Number) m.get("files")).longValue());
        summary.put("errors", unreadable);
        return summary.containsKey(Verdict.DANGEROUS.id()) || unreadable > 0 ? 1 : 0;
    }

    private static int convert(SparkSession spark, String input, String output, boolean force, ReadOptions options,
                               Map<String, Object> summary) throws Exception {
        List<String> lines = ConvertJob.run(spark, input, output, force, options);
        Path manifest = new Path(output, "_convert.jsonl");
        FileSystem fs = JobOutput.fileSystem(manifest, spark.sparkContext().hadoopConfiguration()); // no .crc beside it
        fs.mkdirs(manifest.getParent());
        try (FSDataOutputStream o = fs.create(manifest, true)) {
            for (String l : lines) o.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long errors = lines.stream().filter(l -> l.contains("\"error\":")).count();
        summary.put("files", (long) lines.size());
        summary.put("converted", lines.size() - errors);
        summary.put("errors", errors);
        return errors > 0 ? 1 : 0;
    }

    private static void report(PrintStream out, boolean json, Map<String, Object> summary) throws java.io.IOException {
        if (json) {
            StringWriter s = new StringWriter();
            JsonWriter w = new JsonWriter(s, false);
            w.value(summary);
            w.finish();
            out.println(s.toString().trim());
        } else {
            StringBuilder b = new StringBuilder("torch4j");
            summary.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            out.println(b);
        }
    }

    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("torch4j: " + problem);
        err.print(USAGE);
        return 2;
    }
}
