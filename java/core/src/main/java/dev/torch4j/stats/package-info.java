/**
 * Weight statistics in one streaming pass over the mapped data (min, max, mean, std, zeros, NaN/Inf,
 * exact power-of-two histograms) and the warnings drawn from them. Internal: exported to the command line.
 */
package dev.torch4j.stats;
