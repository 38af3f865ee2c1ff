package dev.torch4j.rebuild;

import dev.torch4j.read.PyValues;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.tensor.DType;

/** Reads the storage class named in a persistent id. */
public final class StorageTypes {
    private StorageTypes() {}

    /** The element type of a typed storage class; null for untyped storages. */
    public static DType dtypeOf(Object storageType) {
        if (storageType instanceof TorchTypes.StorageClass c) return c.dtype();
        if (storageType instanceof PyGlobal g) {
            if (g.name().endsWith("UntypedStorage") || g.name().endsWith("TypedStorage")) return null;
            DType d = DType.fromStorageClass(g.name());
            if (d != null) return d;
        }
        if (storageType instanceof TorchTypes.DTypeValue d) return d.dtype();
        throw new IllegalArgumentException("unknown storage type " + PyValues.describe(storageType));
    }

    public static long byteSize(DType dtype, long numel) {
        if (numel < 0) throw new IllegalArgumentException("negative storage size " + numel);
        try {
            return dtype == null ? numel : Math.multiplyExact(numel, (long) dtype.itemSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("storage size " + numel + " overflows");
        }
    }
}
