package dev.torch4j.spark;

import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/** The pushed predicates, split into a test on file names (at listing time) and the set of formats to keep (in tasks). */
final class FileFilter implements Serializable {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final Filter[] filters;
    private final Set<String> formats;

    FileFilter(Filter[] filters) {
        this.filters = filters;
        Set<String> keep = null;
        for (Filter f : filters) {
            Set<String> these = new HashSet<>();
            if (f instanceof EqualTo e && e.attribute().equals("format")) these.add((String) e.value());
            else if (f instanceof In in && in.attribute().equals("format")) {
                for (Object v : in.values()) if (v != null) these.add(v.toString());
            } else continue;
            if (keep == null) keep = these;
            else keep.retainAll(these); // several format predicates: all must hold
        }
        this.formats = keep == null ? Set.of() : keep.isEmpty() ? Set.of("\0none") : Set.copyOf(keep);
    }

    /** Formats to keep; empty: all. */
    Set<String> formats() { return formats; }

    boolean acceptsFile(String file) {
        for (Filter f : filters) {
            if (f instanceof EqualTo e && e.attribute().equals("file") && !file.equals(e.value())) return false;
            if (f instanceof In in && in.attribute().equals("file")) {
                boolean any = false;
                for (Object v : in.values()) any |= file.equals(v);
                if (!any) return false;
            }
            if (f instanceof StringStartsWith s && s.attribute().equals("file") && !file.startsWith(s.value())) return false;
            if (f instanceof StringEndsWith s && s.attribute().equals("file") && !file.endsWith(s.value())) return false;
            if (f instanceof StringContains s && s.attribute().equals("file") && !file.contains(s.value())) return false;
        }
        return true;
    }
}
