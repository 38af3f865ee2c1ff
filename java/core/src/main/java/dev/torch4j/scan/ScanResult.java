package dev.torch4j.scan;

import dev.torch4j.ErrorKind;

import java.util.List;

/**
 * What scanning one file found.
 *
 * @param file     the file as the caller named it
 * @param findings dangerous and unknown findings in the order met
 * @param error    why the file could not be read completely (with file, entry and offset), or null
 * @param skipped  met in a directory walk and not a model file of any kind (no pickle, zip or tensor signature)
 * @param errorKind what kind of problem {@code error} is (null exactly when {@code error} is)
 * @param checked  what was checked where a file holds no pickle to rate (an ExecuTorch program: its
 *                 structure, its delegates), one line each; empty otherwise
 */
public record ScanResult(String file, List<Finding> findings, String error, boolean skipped, ErrorKind errorKind,
                         List<String> checked) {
    public ScanResult {
        findings = List.copyOf(findings);
        checked = List.copyOf(checked);
        if ((error == null) != (errorKind == null)) {
            throw new IllegalArgumentException("an error and its kind go together: " + error + ", " + errorKind);
        }
    }

    /** A result of a file that holds pickles to rate (nothing listed as checked). */
    public ScanResult(String file, List<Finding> findings, String error, boolean skipped, ErrorKind errorKind) {
        this(file, findings, error, skipped, errorKind, List.of());
    }

    /** A result with {@code error} (or none when null) of unknown kind, taken as {@link ErrorKind#CORRUPT}. */
    public ScanResult(String file, List<Finding> findings, String error) {
        this(file, findings, error, false, error == null ? null : ErrorKind.CORRUPT);
    }

    /** As {@link #ScanResult(String, List, String)}, marked skipped or not. */
    public ScanResult(String file, List<Finding> findings, String error, boolean skipped) {
        this(file, findings, error, skipped, error == null ? null : ErrorKind.CORRUPT);
    }

    /** A result with no error. */
    public ScanResult(String file, List<Finding> findings, boolean skipped) {
        this(file, findings, null, skipped, null);
    }

    /** A result with {@code error} (or none when null) of the given kind. */
    public ScanResult(String file, List<Finding> findings, String error, ErrorKind kind) {
        this(file, findings, error, false, error == null ? null : kind);
    }

    public Verdict verdict() {
        if (skipped) return Verdict.SKIPPED;
        if (findings.stream().anyMatch(f -> f.severity() == Severity.DANGEROUS)) return Verdict.DANGEROUS;
        if (error != null) return Verdict.UNREADABLE;
        if (!findings.isEmpty()) return Verdict.UNKNOWN;
        return Verdict.CLEAN;
    }

    public List<Finding> dangerous() {
        return findings.stream().filter(f -> f.severity() == Severity.DANGEROUS).toList();
    }
}
