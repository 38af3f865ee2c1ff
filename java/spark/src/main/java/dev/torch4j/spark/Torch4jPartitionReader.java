package dev.torch4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a partition's files one after another, giving the rows of each in the columns asked for. */
final class Torch4jPartitionReader implements PartitionReader<InternalRow> {
    private final ReadOptions options;
    private final FilePartition.Piece[] pieces;
    private final Set<String> formats;
    private final Set<String> requiredNames = new HashSet<>();
    /** For each output column, its index in a full row. */
    private final int[] columns;
    private final FileWork work;
    private final Deque<Object[]> pending = new ArrayDeque<>();
    private final LongAccumulator taskCpuNanos;
    private final long cpuStart = TaskCpu.currentThreadNanos();
    private int next;
    private InternalRow current;

    Torch4jPartitionReader(ReadOptions options, StructType required, Set<String> formats, Configuration conf,
                           FilePartition.Piece[] pieces, LongAccumulator taskCpuNanos) {
        this.taskCpuNanos = taskCpuNanos;
        this.options = options;
        this.pieces = pieces;
        this.formats = formats;
        StructType full = Columns.of(options.mode());
        this.columns = new int[required.size()];
        for (int i = 0; i < columns.length; i++) {
            String name = required.fields()[i].name();
            requiredNames.add(name);
            columns[i] = full.fieldIndex(name);
        }
        this.work = new FileWork(conf, options);
    }

    @Override public boolean next() {
        while (pending.isEmpty()) {
            if (next >= pieces.length) return false;
            FilePartition.Piece p = pieces[next++];
            if (options.mode() == ReadOptions.Mode.FILES) {
                Object[] row = work.fileRow(p.file(), requiredNames, formats);
                if (row != null) pending.add(row);
            } else {
                pending.addAll(work.tensorRows(p.file(), p.part(), p.parts(), requiredNames, formats));
            }
        }
        current = project(pending.poll());
        return true;
    }

    private InternalRow project(Object[] full) {
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) values[i] = toSpark(full[columns[i]]);
        return new GenericInternalRow(values);
    }

    /** Java values to Spark's internal ones: strings as UTF8String, arrays as ArrayData, findings as structs. */
    private static Object toSpark(Object v) {
        if (v == null) return null;
        if (v instanceof String s) return UTF8String.fromString(s);
        if (v instanceof long[] a) return UnsafeArrayData.fromPrimitiveArray(a);
        if (v instanceof List<?> list) {
            Object[] out = new Object[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object o = list.get(i);
                if (o instanceof ScanAdapter.Finding f) {
                    out[i] = new GenericInternalRow(new Object[]{
                            f.entry() == null ? null : UTF8String.fromString(f.entry()), f.offset(),
                            UTF8String.fromString(f.global())});
                } else {
                    out[i] = toSpark(o);
                }
            }
            return new GenericArrayData(out);
        }
        return v; // Long
    }

    @Override public InternalRow get() { return current; }

    @Override public void close() {
        work.close();
        taskCpuNanos.add(TaskCpu.currentThreadNanos() - cpuStart + work.workerCpuNanos());
    }

    @Override public String toString() { return "torch4j reader over " + Arrays.toString(pieces); }
}
