package dev.torch4j.libtorch;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.PointerConsumer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps Java-owned memory (mapped file chunks, direct buffers) reachable for as long as libtorch
 * points into it. Each zero-copy tensor is created with {@link #deleter()}; libtorch calls it when
 * the last native reference to that memory goes away, however long after the Java side let go
 * (an output aliasing an input, a tensor stored in a module attribute). Until then the buffer stays
 * strongly reachable here, so the JVM cannot unmap or free it under libtorch.
 */
final class MemoryPins {
    private MemoryPins() {}

    private record Pin(ByteBuffer buffer, TensorArena arena) {}

    private static final ConcurrentHashMap<Long, Deque<Pin>> PINS = new ConcurrentHashMap<>();
    private static final AtomicLong PINNED = new AtomicLong();

    /**
     * One callback for every borrowed tensor: JavaCPP allots few native thunks per callback class,
     * so it must not be one instance per tensor. libtorch passes back the data pointer we gave it.
     */
    private static final class Release extends PointerConsumer {
        @Override public void call(Pointer data) {
            release(data == null ? 0 : data.address());
        }
    }

    private static volatile Release deleter;

    static PointerConsumer deleter() {
        Release d = deleter;
        if (d == null) {
            synchronized (MemoryPins.class) {
                d = deleter;
                if (d == null) {
                    d = new Release();
                    d.retainReference(); // never freed: libtorch may call it at any time
                    deleter = d;
                }
            }
        }
        return d;
    }

    /** Records that libtorch is about to point at {@code address}, inside {@code buffer}. */
    static void pin(long address, ByteBuffer buffer, TensorArena arena) {
        PINS.compute(address, (k, q) -> {
            Deque<Pin> d = q == null ? new ArrayDeque<>(1) : q;
            d.push(new Pin(buffer, arena));
            return d;
        });
        PINNED.incrementAndGet();
        arena.borrowStarted();
    }

    /** libtorch dropped its last reference to the memory at {@code address}. Never throws: it runs inside libtorch. */
    private static void release(long address) {
        Pin[] released = new Pin[1];
        PINS.computeIfPresent(address, (k, q) -> {
            released[0] = q.poll();
            return q.isEmpty() ? null : q;
        });
        if (released[0] != null) {
            PINNED.decrementAndGet();
            released[0].arena().borrowEnded();
        }
    }

    /** How many zero-copy tensors libtorch still holds, across all arenas. */
    static long pinnedCount() {
        return PINNED.get();
    }
}
