package dev.torch4j.coreml;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A frozen, inlined TorchScript {@code forward} graph as plain Java data: what the op check and the
 * converter work on, so neither touches native memory.
 *
 * @param source    the file it came from (for messages)
 * @param inputs    the graph's tensor inputs, in order ({@code self} dropped)
 * @param outputs   the values forward returns (a returned tuple is flattened)
 * @param nodes     every node except constants, in execution order
 * @param constants value name to its constant: Long, Double, Boolean, String, {@link #NONE}, List, or {@link FloatTensor}
 */
record TorchGraph(String source, List<String> inputs, List<String> outputs, List<Node> nodes, Map<String, Object> constants) {

    /** The constant None (a Map cannot hold null). */
    static final Object NONE = new Object() {
        @Override public String toString() {
            return "None";
        }
    };

    /**
     * One op.
     *
     * @param kind       qualified op name, {@code aten::linear}
     * @param inputs     input value names
     * @param outputs    output value names
     * @param modulePath the module whose forward calls this op ({@code encoder.scan}); "" for the top module; "a or b" when
     *                   freezing changed how often the op occurs and the occurrence cannot be placed exactly
     * @param source     the Python source line it was compiled from, or "" when the archive kept none
     */
    record Node(String kind, List<String> inputs, List<String> outputs, String modulePath, String source) {
        String where() {
            return modulePath.isEmpty() ? "the top module" : modulePath;
        }
    }

    /** A constant tensor, as float32 values in row-major order (weights, biases, running statistics). */
    record FloatTensor(long[] shape, float[] data) {
        long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override public String toString() {
            return "tensor" + Arrays.toString(shape);
        }
    }
}
