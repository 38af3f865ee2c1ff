package dev.torch4j.rebuild;

import dev.torch4j.tensor.Tensor;

import java.util.Map;

/**
 * A sparse tensor ({@code torch._utils._rebuild_sparse_tensor}): its layout, dense size and the
 * component tensors PyTorch stores ({@code indices}/{@code values} for COO;
 * {@code compressed_indices}/{@code plain_indices}/{@code values} for CSR, CSC, BSR, BSC).
 */
public record SparseTensor(String layout, long[] size, Map<String, Tensor> components) {
    @Override public String toString() {
        return "SparseTensor[" + layout + ", " + java.util.Arrays.toString(size) + "]";
    }
}
