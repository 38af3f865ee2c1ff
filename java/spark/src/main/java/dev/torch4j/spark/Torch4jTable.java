package dev.torch4j.spark;

import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The files under some paths, read as a batch table. */
final class Torch4jTable implements SupportsRead {
    private final ReadOptions options;
    private final List<String> paths;

    Torch4jTable(ReadOptions options, List<String> paths) {
        this.options = options;
        this.paths = paths;
    }

    @Override public String name() { return "torch4j " + String.join(",", paths); }

    @Override @SuppressWarnings("deprecation") public StructType schema() { return Columns.of(options.mode()); }

    @Override public Set<TableCapability> capabilities() { return EnumSet.of(TableCapability.BATCH_READ); }

    @Override public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
        return new Torch4jScanBuilder(options, paths);
    }
}
