package dev.torch4j.convert;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code convert} wrote.
 *
 * @param tensors  tensors written (over all shards)
 * @param bytes    bytes of all files written
 * @param dropped  names left out as duplicates of a kept tensor (safetensors), to the kept name
 * @param copied   views written as their own copy (safetensors cannot share memory)
 * @param files    files written: the shards, then the index
 * @param seconds  wall time
 */
public record ConvertResult(int tensors, long bytes, Map<String, String> dropped, List<String> copied,
                            List<Path> files, double seconds) {}
