/**
 * Byte sources that files and tensors are read from, and atomic file writing: {@link dev.torch4j.io.ByteRegion}
 * is what every reader parses (a memory-mapped local file, heap bytes, or a {@link dev.torch4j.io.PagedRegion}
 * over any positioned-read {@link dev.torch4j.io.ByteSource} such as a channel or a remote object stream,
 * which fetches headers and pickles in small cached blocks and tensor data in large ranges).
 */
package dev.torch4j.io;
