/**
 * The TorchScript 1.0/1.1 layout: model.json, protobuf-JSON tensors and attributes. Internal.
 */
package dev.torch4j.torchscript.jit1;
