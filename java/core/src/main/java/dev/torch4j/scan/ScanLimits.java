package dev.torch4j.scan;

/**
 * Budgets for one file's scan.
 *
 * @param maxDepth        how deep payloads may nest (a pickle's bytes unpickled by a pickle, ...)
 * @param maxPayloads     how many nested payloads one file may hold
 * @param maxPayloadBytes the largest single payload or entry that is decoded or inflated to be scanned
 * @param maxDecodedBytes all bytes decoded for nested payloads of one file together
 */
public record ScanLimits(int maxDepth, int maxPayloads, long maxPayloadBytes, long maxDecodedBytes) {
    /**
     * 8 levels, 10,000 nested payloads and archives, 512 MiB per payload or entry, 1 GiB decoded or
     * nested in all (each payload is released after its scan).
     */
    public static final ScanLimits DEFAULT = new ScanLimits(8, 10_000, 512L << 20, 1L << 30);
}
