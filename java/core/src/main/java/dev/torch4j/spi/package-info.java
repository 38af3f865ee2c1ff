/**
 * Service interfaces optional modules implement (native backends, CLI subcommands); the pure-Java
 * core finds them with {@link java.util.ServiceLoader} and works the same when none is present.
 */
package dev.torch4j.spi;
