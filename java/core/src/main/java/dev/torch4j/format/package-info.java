/**
 * The formats torch4j reads, one {@link dev.torch4j.format.ContainerFormat} each, registered in
 * {@link dev.torch4j.format.ContainerFormats#ALL}: recognised by content, read, scanned. Internal;
 * {@code dev.torch4j.Torch} is the public door (see docs/architecture.md).
 */
package dev.torch4j.format;
