package dev.torch4j.scan;

/** How bad a finding is. Safe globals are not reported at all. */
public enum Severity {
    /** Would run code, touch files or processes, or cannot be decided statically. */
    DANGEROUS,
    /** Third-party code (a class of the model's own package) that is instantiated or referenced: needs that package, runs its code. */
    UNKNOWN
}
