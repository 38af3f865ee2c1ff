package dev.torch4j.nativelib;

import java.util.Objects;

/**
 * Outcome of trying to load one native library: where it came from when it loaded, or why
 * it did not.
 */
public record LoadResult(boolean loaded, String source, String reason) {
  public LoadResult {
    Objects.requireNonNull(loaded ? source : reason);
  }

  static LoadResult from(String source) {
    return new LoadResult(true, source, null);
  }

  static LoadResult failed(String reason) {
    return new LoadResult(false, null, reason);
  }
}
