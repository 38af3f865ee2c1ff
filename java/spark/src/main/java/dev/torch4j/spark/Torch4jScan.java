package dev.torch4j.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the read: lists the files on the driver (the {@code file} predicates drop names here),
 * then packs them into partitions along file boundaries. Small files share a partition (a task per
 * 10 KB file would cost more than the file); with {@code hash} a file larger than
 * {@code splitBytes} is cut into runs of tensors, each its own piece of work, so one 10 GB
 * checkpoint is hashed by many tasks.
 */
final class Torch4jScan implements Scan, Batch {
    /** Bytes of tensor data a task should hash before its partition is closed. */
    private static final long PARTITION_BYTES = 128L << 20;

    private final ReadOptions options;
    private final List<String> paths;
    private final StructType required;
    private final FileFilter filter;
    /** Spark plans a scan's partitions more than once per query (each copy of its exec node asks): list the store once. */
    private InputPartition[] planned;

    Torch4jScan(ReadOptions options, List<String> paths, StructType required, FileFilter filter) {
        this.options = options;
        this.paths = paths;
        this.required = required;
        this.filter = filter;
    }

    @Override public StructType readSchema() { return required; }

    @Override public String description() {
        return "torch4j " + options.mode().name().toLowerCase(java.util.Locale.ROOT) + " " + paths;
    }

    @Override public Batch toBatch() { return this; }

    @Override public synchronized InputPartition[] planInputPartitions() {
        if (planned == null) planned = plan();
        return planned.clone();
    }

    private InputPartition[] plan() {
        SparkSession spark = SparkSession.active();
        List<StoreListing.StoreFile> files = StoreListing.list(paths, spark.sparkContext().hadoopConfiguration(), filter);
        boolean readsData = options.hash() && required.getFieldIndex("sha256").isDefined();
        int parallelism = Math.max(1, spark.sparkContext().defaultParallelism());
        // Enough partitions to keep every core busy with some to spare for stragglers, at most 256 files each.
        int filesPerPartition = (int) Math.max(1, Math.min(256, (files.size() + 4L * parallelism - 1) / (4L * parallelism)));
        List<InputPartition> out = new ArrayList<>();
        List<FilePartition.Piece> current = new ArrayList<>();
        long currentBytes = 0;
        for (StoreListing.StoreFile f : files) {
            int parts = readsData && options.mode() == ReadOptions.Mode.TENSORS && f.size() > options.splitBytes()
                    ? (int) Math.min(1024, (f.size() + options.splitBytes() - 1) / options.splitBytes()) : 1;
            for (int part = 0; part < parts; part++) {
                current.add(new FilePartition.Piece(f.file(), part, parts));
                currentBytes += f.size() / parts;
                if (current.size() >= filesPerPartition || (readsData && currentBytes >= PARTITION_BYTES)) {
                    out.add(new FilePartition(current.toArray(new FilePartition.Piece[0])));
                    current.clear();
                    currentBytes = 0;
                }
            }
        }
        if (!current.isEmpty()) out.add(new FilePartition(current.toArray(new FilePartition.Piece[0])));
        return out.toArray(new InputPartition[0]);
    }

    @Override public PartitionReaderFactory createReaderFactory() {
        SparkSession spark = SparkSession.active();
        return new Torch4jReaderFactory(options, required, filter.formats(),
                new HadoopConf(spark.sparkContext().hadoopConfiguration()), TaskCpu.accumulator(spark));
    }
}
