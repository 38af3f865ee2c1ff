package dev.torch4j.scan;

import java.util.List;

/**
 * What scanning one file found.
 *
 * @param file     the file as the caller named it
 * @param findings dangerous and unknown findings in the order met
 * @param error    why the file could not be read completely (with file, entry and offset), or null
 * @param skipped  met in a directory walk and not a model file of any kind (no pickle, zip or tensor signature)
 * @param checked  what was checked where a file holds no pickle to rate (an ExecuTorch program: its
 *                 structure, its delegates), one line each; empty otherwise
 */
public record ScanResult(String file, List<Finding> findings, String error, boolean skipped, List<String> checked) {
    public ScanResult {
        findings = List.copyOf(findings);
        checked = List.copyOf(checked);
    }

    public ScanResult(String file, List<Finding> findings, String error, boolean skipped) {
        this(file, findings, error, skipped, List.of());
    }

    public ScanResult(String file, List<Finding> findings, String error) {
        this(file, findings, error, false);
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
