/**
 * Element decoding and encoding: float16/bfloat16/float8 conversions, row-major reads of strided views, and the pluggable fast paths (pure Java or native). Internal.
 */
package dev.torch4j.elements;
