package dev.torch4j.pickle;

/** A Python {@code complex} value. */
public record PyComplex(double real, double imag) {
}
