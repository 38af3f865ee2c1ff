package dev.torch4j.coreml;

import java.util.List;

/**
 * One Core ML NeuralNetwork layer before it is written: its type (the NeuralNetworkLayer oneof field),
 * the blobs it reads and writes (TorchScript value names until the model's own names replace them),
 * and its parameter message.
 */
record Layer(String type, int field, String name, List<String> inputs, List<String> outputs, ProtoMessage params) {}
