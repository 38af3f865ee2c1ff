/**
 * The PyTorch 0.1.x tar layout (sys_info, pickle, storages and tensors members). Internal.
 */
package dev.torch4j.torchsave.tar;
