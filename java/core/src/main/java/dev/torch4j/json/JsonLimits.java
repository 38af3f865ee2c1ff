package dev.torch4j.json;

/**
 * Bounds the parser checks as it reads, so hostile input (a safetensors header, a model.json)
 * cannot exhaust stack or memory.
 *
 * @param maxDepth          nesting of arrays and objects
 * @param maxInputLength    characters in the whole document
 * @param maxContainerItems elements of one array or members of one object
 * @param maxStringLength   characters of one string (keys included)
 */
public record JsonLimits(int maxDepth, int maxInputLength, int maxContainerItems, int maxStringLength) {
    /** Generous for real files: depth 256, 100 M characters, 10 M items per container, 10 M characters per string. */
    public static final JsonLimits DEFAULT = new JsonLimits(256, 100_000_000, 10_000_000, 10_000_000);

    public JsonLimits {
        if (maxDepth < 1 || maxInputLength < 0 || maxContainerItems < 0 || maxStringLength < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
