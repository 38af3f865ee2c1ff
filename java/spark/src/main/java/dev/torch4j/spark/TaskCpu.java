package dev.torch4j.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent by tasks on executors, summed on the driver through an accumulator: a task adds
 * its own thread's CPU time and its file worker's. On a cluster the driver's process time says
 * nothing about the executors' work; this does.
 */
final class TaskCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static LongAccumulator accumulator;
    private static SparkContext owner;

    private TaskCpu() {}

    /** The accumulator of the active session's context, registered on first use. */
    static synchronized LongAccumulator accumulator(SparkSession spark) {
        SparkContext sc = spark.sparkContext();
        if (owner != sc) {
            accumulator = sc.longAccumulator("torch4j.taskCpuNanos");
            owner = sc;
        }
        return accumulator;
    }

    static long nanos(SparkSession spark) {
        return accumulator(spark).value();
    }

    /** This thread's CPU time in nanoseconds, or 0 where the JVM cannot tell. */
    static long currentThreadNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
