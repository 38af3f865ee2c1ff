package dev.torch4j.spi;

import java.util.Map;

/**
 * A native backend torch4j can report on ({@code torch4j info}). Found with
 * {@link java.util.ServiceLoader}; implementations must not throw when their native side is missing.
 */
public interface NativeBackend {
    /** Short name ({@code libtorch}). */
    String name();

    /** Loads the backend if needed; true when it can be used. */
    boolean available();

    /** Facts in a stable order: available, reason when not, versions, platform, load time. */
    Map<String, Object> describe();
}
