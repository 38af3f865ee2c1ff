package dev.torch4j.scan;

import java.util.List;

/**
 * What scanning one file found.
 *
 * @param file     the file as the caller named it
 * @param findings dangerous and unknown findings in the order met
 * @param error    why the file could not be read completely (with file, entry and offset), or null
 */
public record ScanResult(String file, List<Finding> findings, String error) {
    public ScanResult {
        findings = List.copyOf(findings);
    }

    public Verdict verdict() {
        if (findings.stream().anyMatch(f -> f.severity() == Severity.DANGEROUS)) return Verdict.DANGEROUS;
        if (error != null) return Verdict.UNREADABLE;
        if (!findings.isEmpty()) return Verdict.UNKNOWN;
        return Verdict.CLEAN;
    }

    public List<Finding> dangerous() {
        return findings.stream().filter(f -> f.severity() == Severity.DANGEROUS).toList();
    }
}
