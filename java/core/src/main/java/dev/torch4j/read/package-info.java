/**
 * What every format reader shares: the per-file read context and budgets, tensor paths, state-dict selection, Lightning metadata. Internal.
 */
package dev.torch4j.read;
