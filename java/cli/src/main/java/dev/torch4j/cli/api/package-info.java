/**
 * The command API every {@code torch4j} command uses, built-in or from an optional module:
 * {@link dev.torch4j.cli.api.Torch4jCommand} (errors are thrown, {@code torch4j}'s one handler prints
 * them), {@link dev.torch4j.cli.api.WritingCommand} ({@code --force}, {@code --json}, atomic outputs)
 * and {@link dev.torch4j.cli.api.CliExtension} (how a module adds its commands).
 */
package dev.torch4j.cli.api;
