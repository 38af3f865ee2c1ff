/**
 * How torch's pickled globals rebuild tensors, storages, parameters and modules (torch._utils._rebuild_*, storage types). Internal.
 */
package dev.torch4j.rebuild;
