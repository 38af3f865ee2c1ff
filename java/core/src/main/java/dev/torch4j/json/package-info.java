/**
 * A small JSON parser with depth and size limits and precise error offsets, and a streaming writer. Internal: exported to the torch4j modules only.
 */
package dev.torch4j.json;
