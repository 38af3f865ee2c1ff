/**
 * Our own zip reader (central directory with offsets, bounded inflate) and the 64-byte aligned writer PyTorch expects. Internal.
 */
package dev.torch4j.zip;
