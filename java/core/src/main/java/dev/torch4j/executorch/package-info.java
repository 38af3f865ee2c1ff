/**
 * ExecuTorch programs ({@code .pte}) and their external data ({@code .ptd}, FlatTensor): a minimal
 * FlatBuffer reader with every offset checked against the buffer, the program's methods, values,
 * operators, delegates and constant tensors. Internal: callers go through {@code Torch.open}.
 */
package dev.torch4j.executorch;
