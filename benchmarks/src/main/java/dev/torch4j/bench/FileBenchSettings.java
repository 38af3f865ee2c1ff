package dev.torch4j.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The run settings the benchmarks over workload files share (JMH's annotations are inherited, and
 * a subclass may override one): milliseconds per operation, 3 x 2 s of warm-up, 5 x 2 s measured,
 * one fork with a 6 GB heap and 4 GB of direct memory (mapped files over 2 GiB, direct buffers).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:MaxDirectMemorySize=4g"})
public abstract class FileBenchSettings {
}
