package dev.torch4j.coreml;

import java.util.Arrays;
import java.util.Locale;

/**
 * A model input as given on the command line ({@code --input x:1,3,224,224}, {@code --input ids:1,8:int32}):
 * its Core ML name, fixed shape and element type.
 */
public record InputSpec(String name, long[] shape, ElementType type) {
    /**
     * The element types a NeuralNetwork multiArray input may declare that torch4j can honour. FLOAT32 for
     * float tensors; INT32 for integer tensors (token ids), which Core ML hands to the layers as floats, so
     * they are only accepted where the layer reads them as indices (GraphConverter checks).
     */
    public enum ElementType {
        FLOAT32(CoreMlFields.ARRAY_DATA_TYPE_FLOAT32),
        INT32(CoreMlFields.ARRAY_DATA_TYPE_INT32);

        final int arrayDataType;

        ElementType(int arrayDataType) {
            this.arrayDataType = arrayDataType;
        }

        static ElementType parse(String input, String text) {
            for (ElementType t : values()) if (t.name().equalsIgnoreCase(text.trim())) return t;
            throw new IllegalArgumentException("--input " + input + ": element type '" + text + "' must be float32 or int32");
        }

        @Override public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InputSpec {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("input name '" + name + "' must be an identifier (letters, digits, _)");
        }
        if (shape.length == 0 || shape.length > 5) {
            throw new IllegalArgumentException("input " + name + ": rank must be 1 to 5, not " + shape.length);
        }
        for (long d : shape) {
            if (d <= 0) throw new IllegalArgumentException("input " + name + ": dimensions must be positive, got " + Arrays.toString(shape));
        }
        if (type == null) throw new IllegalArgumentException("input " + name + ": no element type");
        shape = shape.clone();
    }

    /** A float32 input. */
    public InputSpec(String name, long[] shape) {
        this(name, shape, ElementType.FLOAT32);
    }

    /** Parses {@code NAME:D1,D2,...} or {@code NAME:D1,D2,...:TYPE} (TYPE float32, the default, or int32). */
    public static InputSpec parse(String text) {
        String[] fields = text.split(":", -1);
        if (fields.length < 2 || fields.length > 3 || fields[0].isEmpty() || fields[1].isEmpty()) {
            throw new IllegalArgumentException("--input must look like NAME:D1,D2,... or NAME:D1,D2,...:int32 (e.g. x:1,3,224,224), not '" + text + "'");
        }
        String[] parts = fields[1].split(",", -1);
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input " + text + ": '" + parts[i] + "' is not a dimension");
            }
        }
        ElementType type = fields.length == 3 ? ElementType.parse(text, fields[2]) : ElementType.FLOAT32;
        return new InputSpec(fields[0], shape, type);
    }

    @Override public String toString() {
        return name + Arrays.toString(shape) + (type == ElementType.FLOAT32 ? "" : ":" + type);
    }
}
