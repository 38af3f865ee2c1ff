/**
 * TorchScript archives: the serialized class sources that tell modules, parameters and buffers apart. Internal.
 */
package dev.torch4j.torchscript;
