/**
 * Tensors as saved: dtype, shape, strides and a lazily read {@link dev.torch4j.tensor.Storage}; {@link dev.torch4j.tensor.Tensors} builds new ones from Java arrays.
 */
package dev.torch4j.tensor;
