package dev.torch4j.stats;

import java.util.List;

/**
 * Something about a checkpoint's weights a person should look at.
 *
 * @param kind    {@code non_finite}, {@code all_zero}, {@code scale_outlier} or {@code mixed_dtypes}
 * @param paths   the tensors concerned (empty for file-wide warnings)
 * @param message one readable sentence
 */
public record Warning(String kind, List<String> paths, String message) {}
