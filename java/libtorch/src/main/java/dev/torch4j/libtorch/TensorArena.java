package dev.torch4j.libtorch;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the libtorch tensors made from torch4j tensors, and frees them deterministically on
 * {@link #close()}.
 *
 * <p>Zero-copy tensors point into the torch4j tensor's memory (usually the memory-mapped file).
 * Closing the arena releases the Java handles at once; memory that libtorch still references
 * afterwards (an output that aliases an input, a tensor stored into a module) stays pinned until
 * libtorch drops it: the release is deferred, never a dangling pointer. {@link #liveBorrows()}
 * says how many such tensors are still alive.
 *
 * <p>Not thread-safe: use one arena per thread, or synchronise.
 */
public final class TensorArena implements AutoCloseable {
    private final List<org.bytedeco.pytorch.Tensor> handles = new ArrayList<>();
    private final AtomicInteger live = new AtomicInteger();
    private boolean closed;

    public TensorArena() {
        LibtorchBackend.require();
    }

    /**
     * A libtorch tensor over the same memory when possible (native byte order, one contiguous
     * mapping), else a copy. libtorch must only read it: mapped file memory is read-only.
     */
    public org.bytedeco.pytorch.Tensor borrow(Tensor t) {
        return track(NativeTensors.borrowOrCopy(t, this));
    }

    /** A libtorch-owned contiguous copy, safe to modify in place. */
    public org.bytedeco.pytorch.Tensor copy(Tensor t) {
        return track(NativeTensors.copy(t));
    }

    /** Takes ownership of a libtorch tensor handle: it is freed when the arena closes. */
    public org.bytedeco.pytorch.Tensor track(org.bytedeco.pytorch.Tensor handle) {
        checkOpen();
        handles.add(handle);
        return handle;
    }

    /** Zero-copy tensors made through this arena that libtorch still references. */
    public int liveBorrows() {
        return live.get();
    }

    /** How many zero-copy tensors libtorch references right now, across all arenas. */
    public static long pinnedGlobally() {
        return MemoryPins.pinnedCount();
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("tensor arena is closed");
    }

    void borrowStarted() {
        live.incrementAndGet();
    }

    void borrowEnded() {
        live.decrementAndGet();
    }

    /** Frees every handle; borrowed memory still used by libtorch stays pinned until libtorch lets go. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        for (int i = handles.size() - 1; i >= 0; i--) handles.get(i).close();
        handles.clear();
    }
}
