package dev.torch4j.rebuild;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;

/**
 * What a persistent id resolves to: a storage as a typed view (legacy files name views that start
 * {@code elementOffset} elements into a shared root storage). Tensors built over it hold the root
 * {@link Storage} itself, so tensors that share bytes share one Storage instance.
 *
 * @param dtype the typed storage's element type, or null for an untyped storage
 */
public record StorageRef(Storage storage, DType dtype, long elementOffset, long numel) {
}
