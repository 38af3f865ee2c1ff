package dev.torch4j.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Set;

/** Shipped to executors: everything a task needs to read its files. */
record Torch4jReaderFactory(ReadOptions options, StructType required, Set<String> formats, HadoopConf conf,
                            LongAccumulator taskCpuNanos)
        implements PartitionReaderFactory {
    @Override public PartitionReader<InternalRow> createReader(InputPartition partition) {
        return new Torch4jPartitionReader(options, required, formats, conf.get(), ((FilePartition) partition).pieces(),
                taskCpuNanos);
    }
}
