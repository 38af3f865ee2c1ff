package dev.torch4j.coreml;

import java.util.Arrays;

/** A model input as given on the command line ({@code --input x:1,3,224,224}): its Core ML name and fixed shape. */
public record InputSpec(String name, long[] shape) {
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
        shape = shape.clone();
    }

    /** Parses {@code NAME:D1,D2,...}. */
    public static InputSpec parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--input must look like NAME:D1,D2,... (e.g. x:1,3,224,224), not '" + text + "'");
        }
        String[] parts = text.substring(colon + 1).split(",", -1);
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input " + text + ": '" + parts[i] + "' is not a dimension");
            }
        }
        return new InputSpec(text.substring(0, colon), shape);
    }

    @Override public String toString() {
        return name + Arrays.toString(shape);
    }
}
