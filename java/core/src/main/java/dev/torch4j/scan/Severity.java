package dev.torch4j.scan;

/** How bad a finding is. Safe globals are not reported at all. */
public enum Severity {
    /** Would run code, touch files or processes, or cannot be decided statically. */
    DANGEROUS,
    /** Not on the vetted list, and no evidence of an attack: loading needs its module and runs its code. */
    UNKNOWN
}
