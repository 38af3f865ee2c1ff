/**
 * Format detection by content and dispatch to the reader of each container. Internal.
 */
package dev.torch4j.format;
