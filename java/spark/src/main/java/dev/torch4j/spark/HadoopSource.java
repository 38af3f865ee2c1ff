package dev.torch4j.spark;

import dev.torch4j.io.ByteSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file on any Hadoop file system ({@code file://}, HDFS, S3A...) as a torch4j {@link ByteSource}:
 * {@link FSDataInputStream#readFully(long, byte[], int, int)} is a positioned read, so the
 * readers' paged region fetches exactly the ranges it parses. Every read is checked against the
 * file's {@link Budget}, so a hostile file cannot keep a task busy past its time or byte allowance.
 */
final class HadoopSource implements ByteSource {
    /** Bytes read from Hadoop streams by this JVM: the tests and the benchmark read it. */
    static final AtomicLong BYTES_READ = new AtomicLong();

    private final String name;
    private final FSDataInputStream in;
    private final long size;
    private final Budget budget;
    private long read;

    private HadoopSource(String name, FSDataInputStream in, long size, Budget budget) {
        this.name = name;
        this.in = in;
        this.size = size;
        this.budget = budget;
    }

    static HadoopSource open(String file, Configuration conf, Budget budget) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf);
        long size = fs.getFileStatus(p).getLen();
        budget.checkSize(file, size);
        return new HadoopSource(file, fs.open(p), size, budget);
    }

    @Override public long size() { return size; }

    @Override public void readFully(long position, byte[] dst, int offset, int length) throws IOException {
        synchronized (this) {
            read += length;
            budget.check(name, read);
        }
        in.readFully(position, dst, offset, length);
        BYTES_READ.addAndGet(length);
    }

    @Override public void close() throws IOException { in.close(); }
}
