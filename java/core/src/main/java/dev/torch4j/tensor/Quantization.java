package dev.torch4j.tensor;

/**
 * Quantization parameters of a quantized tensor ({@code _rebuild_qtensor}).
 * Per-tensor: {@code scale} and {@code zeroPoint}. Per-channel: {@code scales}, {@code zeroPoints}, {@code axis}.
 */
public record Quantization(String scheme, double scale, long zeroPoint,
                           Tensor scales, Tensor zeroPoints, long axis) {
    public static Quantization perTensor(String scheme, double scale, long zeroPoint) {
        return new Quantization(scheme, scale, zeroPoint, null, null, -1);
    }

    public static Quantization perChannel(String scheme, Tensor scales, Tensor zeroPoints, long axis) {
        return new Quantization(scheme, Double.NaN, 0, scales, zeroPoints, axis);
    }

    public boolean isPerChannel() { return scales != null; }
}
