package dev.torch4j.spark;

import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

import java.util.Map;

/**
 * {@code spark.read.format("torch4j").load(paths)}: every PyTorch or safetensors file under the
 * given files or directories (any Hadoop file system), as one row per tensor or, with
 * {@code option("mode", "files")}, one row per file with its scan verdict. See {@link ReadOptions}.
 */
public final class Torch4jDataSource implements TableProvider, DataSourceRegister {
    @Override public String shortName() { return "torch4j"; }

    @Override public StructType inferSchema(CaseInsensitiveStringMap options) {
        return Columns.of(ReadOptions.from(options).mode());
    }

    @Override public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
        return new Torch4jTable(ReadOptions.from(options), StoreListing.paths(options));
    }
}
