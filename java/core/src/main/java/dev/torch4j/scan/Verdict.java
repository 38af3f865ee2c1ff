package dev.torch4j.scan;

/** The verdict on one file, from worst to best. */
public enum Verdict {
    /** At least one dangerous finding. */
    DANGEROUS,
    /** Could not be read completely, and nothing dangerous was found before the damage. */
    UNREADABLE,
    /** Only unknown (third-party) findings: clean unless the caller is strict. */
    UNKNOWN,
    /** Nothing but known-safe globals. */
    CLEAN,
    /** Not a model file (met while walking a directory): a README, an image... */
    SKIPPED;

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}
