/**
 * torch.export archives ({@code .pt2}): the graph signature, operators and versions from the
 * serialized ExportedProgram JSON, and the weights and constants as lazily read tensors, for every
 * layout PyTorch 2.1 to today has written. Internal: callers go through {@code Torch.open}.
 */
package dev.torch4j.pt2;
