/**
 * Byte sources that tensors are read from (memory-mapped files, heap arrays) and atomic file writing.
 */
package dev.torch4j.io;
