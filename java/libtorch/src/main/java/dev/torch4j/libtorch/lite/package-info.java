/**
 * PyTorch Android's lite-runtime API ({@code LiteModuleLoader.load(path)}, {@code module.forward(IValue...)})
 * for Java code on a JVM, over {@link dev.torch4j.libtorch.ScriptModel}; tensors are torch4j's own
 * {@link dev.torch4j.tensor.Tensor}. See {@link dev.torch4j.libtorch.lite.LiteModuleLoader} for which
 * {@code .ptl} files run here.
 */
package dev.torch4j.libtorch.lite;
