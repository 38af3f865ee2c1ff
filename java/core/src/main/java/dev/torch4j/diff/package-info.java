/**
 * Compares two checkpoints tensor by tensor, streaming both: tensors only on one side, dtype and shape
 * changes, and the largest absolute and relative differences against numpy-style tolerances. Internal:
 * exported to the command line.
 */
package dev.torch4j.diff;
