package dev.torch4j.read;

import dev.torch4j.torchscript.ScriptClasses;
import dev.torch4j.Format;

import java.util.Map;

/**
 * What a container reader produced: the user-facing format, the object tree, format facts, and for
 * TorchScript the declared parameters/buffers of each class (null otherwise).
 */
public record LoadedFile(Format format, Object root, Map<String, Object> metadata, ScriptClasses scriptClasses) {
}
