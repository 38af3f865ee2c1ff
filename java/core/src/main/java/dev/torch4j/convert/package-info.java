/**
 * Conversions between formats: state-dict extraction, prefix stripping, dtype casts, sharded output.
 */
package dev.torch4j.convert;
