package dev.torch4j.scan;

/** The verdict on one file, from worst to best. */
public enum Verdict {
    /** At least one dangerous finding. */
    DANGEROUS,
    /** Could not be read completely, and nothing dangerous was found before the damage. */
    UNREADABLE,
    /** Some global is not on the vetted list (nor allowed by the policy), with no evidence of an attack: not proven safe. */
    UNKNOWN,
    /** Every global is vetted or allowed, used as vetted: proven not to run code at load. */
    CLEAN,
    /** Not a model file (met while walking a directory): a README, an image... */
    SKIPPED;

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}
