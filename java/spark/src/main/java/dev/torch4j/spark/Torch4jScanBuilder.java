package dev.torch4j.spark;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * Column pruning (a listing that does not ask for {@code sha256} reads no tensor data; a file row
 * without verdict columns skips the scan) and predicate pushdown on {@code file} (files are
 * dropped when listed, before any task opens them) and {@code format} (rows of other formats are
 * dropped in the task). Pushed filters are also handed back for Spark to evaluate, so pushdown
 * only saves work and never decides a result.
 */
final class Torch4jScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownFilters {
    private final ReadOptions options;
    private final List<String> paths;
    private StructType required;
    private Filter[] pushed = new Filter[0];

    Torch4jScanBuilder(ReadOptions options, List<String> paths) {
        this.options = options;
        this.paths = paths;
        this.required = Columns.of(options.mode());
    }

    @Override public void pruneColumns(StructType requiredSchema) {
        this.required = requiredSchema;
    }

    @Override public Filter[] pushFilters(Filter[] filters) {
        List<Filter> used = new ArrayList<>();
        for (Filter f : filters) {
            if (RowFilters.usable(f)) used.add(f);
        }
        pushed = used.toArray(new Filter[0]);
        return filters;
    }

    @Override public Filter[] pushedFilters() { return pushed; }

    @Override public Scan build() {
        return new Torch4jScan(options, paths, required, RowFilters.of(pushed));
    }

    /** The pushed predicates this source can use: equality, IN and string matches on file; equality and IN on format. */
    static final class RowFilters {
        private RowFilters() {}

        static boolean usable(Filter f) {
            if (f instanceof EqualTo e) return (e.attribute().equals("file") || e.attribute().equals("format")) && e.value() instanceof String;
            if (f instanceof In in) return in.attribute().equals("file") || in.attribute().equals("format");
            if (f instanceof StringStartsWith s) return s.attribute().equals("file");
            if (f instanceof StringEndsWith s) return s.attribute().equals("file");
            if (f instanceof StringContains s) return s.attribute().equals("file");
            return false;
        }

        static FileFilter of(Filter[] filters) {
            return new FileFilter(filters);
        }
    }
}
