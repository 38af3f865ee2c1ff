/**
 * Scanning of model files for code that would run when Python loads them: {@link dev.torch4j.scan.ModelScanner}
 * reads every pickle of a file, a directory tree or bytes (zip entries, legacy and tar streams,
 * payloads unpickled inside a pickle, TorchScript code and mobile operator lists) without executing
 * anything, and rates each global default-deny: {@link dev.torch4j.scan.Verdict#CLEAN} only when every
 * global is on the vetted list (or a user's {@link dev.torch4j.scan.ScanPolicy}),
 * {@link dev.torch4j.scan.Severity#DANGEROUS} on evidence of an attack, with the chain that leads to
 * it, {@link dev.torch4j.scan.Severity#UNKNOWN} for everything else. docs/safety.md has the details.
 */
package dev.torch4j.scan;
