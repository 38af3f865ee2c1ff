package dev.torch4j.spi;

/**
 * A subcommand an optional module adds to the {@code torch4j} command line (found with
 * {@link java.util.ServiceLoader}), so the pure-Java CLI carries no native dependency: putting
 * torch4j-libtorch on the class path adds {@code export-mobile}.
 */
public interface CliExtension {
    /** A picocli {@code @Command} object (typed Object so that torch4j-core need not depend on picocli). */
    Object command();
}
