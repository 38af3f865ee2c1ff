/**
 * Scanning of model files for code that would run when Python loads them: {@link dev.torch4j.scan.ModelScanner}
 * reads every pickle of a file, a directory tree or bytes (zip entries, legacy streams, payloads
 * unpickled inside a pickle, TorchScript code and mobile operator lists) without executing
 * anything, and rates each global by an allowlist of what is known safe and by how it is used:
 * called platform code that is not known safe is {@link dev.torch4j.scan.Severity#DANGEROUS},
 * third-party classes that are only instantiated are {@link dev.torch4j.scan.Severity#UNKNOWN}.
 */
package dev.torch4j.scan;
