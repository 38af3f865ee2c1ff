package dev.torch4j.python;

/** A Python {@code complex} value. */
public record PyComplex(double real, double imag) {
}
