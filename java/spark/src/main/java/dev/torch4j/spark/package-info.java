/**
 * torch4j on Apache Spark: the {@code torch4j} DataSource V2 ({@link dev.torch4j.spark.Torch4jDataSource})
 * that reads every checkpoint under some paths of any Hadoop file system as tensor rows or file rows
 * (with the pickle scan verdict), and {@link dev.torch4j.spark.Main}, the {@code index}, {@code scan} and
 * {@code convert} batch jobs. It uses core's reader and scanner unchanged, reading files through
 * positioned Hadoop reads.
 */
package dev.torch4j.spark;
