package dev.torch4j.tensor;

import dev.torch4j.io.ByteRegion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;

/**
 * One PyTorch storage: a flat run of bytes that tensors view. Several tensors may share one
 * storage (tied weights, views); they hold the same {@code Storage} instance.
 * The bytes are loaded lazily on first access through the {@link Loader}.
 */
public final class Storage {
    /** Fetches the storage bytes on first use (maps a zip entry, reads a legacy record...). */
    @FunctionalInterface
    public interface Loader {
        ByteRegion load() throws IOException;
    }

    private final String key;
    private final String location;
    private final DType dtype;
    private final long byteSize;
    private final ByteOrder order;
    private final Loader loader;
    private volatile ByteRegion data;

    /**
     * @param key      the storage key in the file ({@code "0"}, {@code "140245072983168"})
     * @param location the device it was saved from ({@code cpu}, {@code cuda:0}, {@code mps})
     * @param dtype    element type the file declares for the storage (typed storages), or null (untyped)
     * @param byteSize size in bytes
     * @param order    byte order of the stored elements ({@code byteorder} record of zip files)
     */
    public Storage(String key, String location, DType dtype, long byteSize, ByteOrder order, Loader loader) {
        this.key = key;
        this.location = location;
        this.dtype = dtype;
        this.byteSize = byteSize;
        this.order = order;
        this.loader = loader;
    }

    public static Storage ofBytes(String key, DType dtype, ByteRegion bytes, ByteOrder order) {
        Storage s = new Storage(key, "cpu", dtype, bytes.size(), order, new BytesInHand(bytes));
        s.data = bytes;
        return s;
    }

    /**
     * The loader of bytes already at hand. A class, not a lambda: a short command's first lambda initialises
     * java.lang.invoke (several ms of a 0.2 s inspect); see docs/building.md.
     */
    private static final class BytesInHand implements Loader {
        private final ByteRegion bytes;

        BytesInHand(ByteRegion bytes) {
            this.bytes = bytes;
        }

        @Override public ByteRegion load() { return bytes; }
    }

    /**
     * The key's hash. Equality stays identity (a storage equals only itself), so this only spares
     * maps of storages the first identity hash of each, a native call in the client compiler that
     * short commands run (20,000 of them for {@code inspect} of a large state dict).
     */
    @Override public int hashCode() {
        return java.util.Objects.hashCode(key);
    }

    public String key() { return key; }
    public String location() { return location; }
    public DType dtype() { return dtype; }
    public long byteSize() { return byteSize; }
    public ByteOrder order() { return order; }

    /** True once the bytes have been fetched. */
    public boolean isLoaded() { return data != null; }

    /** The bytes, fetched on first call. */
    public ByteRegion data() {
        ByteRegion d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    try {
                        d = loader.load();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (d.size() < byteSize) {
                        throw new UncheckedIOException(new IOException("storage " + key + " holds " + d.size()
                                + " bytes, " + byteSize + " declared"));
                    }
                    data = d;
                }
            }
        }
        return d;
    }

    @Override public String toString() {
        return "Storage[" + key + ", " + location + ", " + byteSize + " bytes]";
    }
}
