package dev.torch4j.convert;

import java.nio.file.Path;
import java.util.Locale;

/** What {@code convert} writes. */
public enum OutputFormat {
    /** A torch.save zip archive ({@code .pt}, {@code .pth}, {@code .bin}, {@code .ckpt}). */
    PTH,
    SAFETENSORS;

    /** From {@code --to pth|pt|torch|safetensors}. */
    public static OutputFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pth", "pt", "torch", "bin" -> PTH;
            case "safetensors" -> SAFETENSORS;
            default -> throw new IllegalArgumentException("unknown output format '" + name + "' (use pth or safetensors)");
        };
    }

    /** From the output file's extension; null when it does not say. */
    public static OutputFormat fromExtension(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) return SAFETENSORS;
        if (n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".tar")) return PTH;
        return null;
    }
}
