/**
 * The {@code torch4j} command line: one picocli command class per command, each a thin layer over the
 * core library (which does the work, so a JVM service can call the same code). Entry point: {@link
 * dev.torch4j.cli.Main}.
 */
package dev.torch4j.cli;
