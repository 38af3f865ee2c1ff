package dev.torch4j.safetensors;

import java.util.List;
import java.util.Map;

/**
 * What a safetensors write did with shared memory, which the format cannot express.
 *
 * @param tensorsWritten tensors in the file
 * @param bytesWritten   size of the file
 * @param dropped        names left out because they were the same tensor as a kept one (tied
 *                       weights), each mapped to the name that was kept
 * @param copied         kept tensors that were views sharing memory with another kept tensor;
 *                       each was written as its own copy
 */
public record WriteReport(int tensorsWritten, long bytesWritten, Map<String, String> dropped, List<String> copied) {}
