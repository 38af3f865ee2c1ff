/**
 * ExecuTorch programs ({@code .pte}) and their external data ({@code .ptd}, FlatTensor): a minimal
 * FlatBuffer reader with every offset checked against the buffer, the program's methods, values,
 * operators, delegates and constant tensors; and PyTorch Mobile's flatbuffer {@code .ptl} (bytecode v9),
 * read on the same FlatBuffer reader. Internal: callers go through {@code Torch.open}.
 */
package dev.torch4j.executorch;
