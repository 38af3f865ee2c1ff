package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.Errors;

import dev.torch4j.cli.api.Torch4jCommand;

import dev.torch4j.io.AtomicFile;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.scan.Finding;
import dev.torch4j.scan.ModelScanner;
import dev.torch4j.scan.ScanPolicy;
import dev.torch4j.scan.ScanResult;
import dev.torch4j.scan.Severity;
import dev.torch4j.scan.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch4j scan PATH...}: rates every pickle global, nested payload and TorchScript operator
 * of files and directory trees (the work is {@link ModelScanner}'s; this class only formats).
 * Default-deny: exit 0 only when every file is clean (nothing but vetted globals, or globals the
 * user allows with {@code --allow}/{@code --policy}); 1 when something is dangerous (this wins over
 * read errors: it is the actionable verdict) or unknown; 2 when a file cannot be read completely.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Check model files and directory trees for anything that would run code when Python loads them.",
                "Nothing in the files is ever executed. 'clean' means every global is on the vetted list (PyTorch's "
                        + "weights-only set, numpy and joblib arrays) or allowed by --allow/--policy; 'unknown' means loading "
                        + "needs a module and runs its code; 'dangerous' means evidence of an attack."},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {"0:every file clean", "1:a dangerous or unknown global (loading would run code torch4j has not vetted)",
                ExitCodeLists.BAD_INPUT})
final class ScanCommand extends Torch4jCommand {
    static final int EXIT_CLEAN = dev.torch4j.spi.ExitCodes.OK;
    static final int EXIT_DANGEROUS = dev.torch4j.spi.ExitCodes.FINDING;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories (scanned recursively, any extension).")
    List<Path> paths;

    @Option(names = "--json", description = "Write JSON: {files: [{file, verdict, findings: [{global, use, severity, entry, offset, chain, reason}], checked (files without pickles), error, errorKind}], summary}.")
    boolean json;

    @Option(names = "--sarif", paramLabel = "FILE", description = "Also write a SARIF 2.1.0 report (for code-scanning dashboards).")
    Path sarif;

    @Option(names = "--strict", hidden = true, description = "Kept for old scripts: unknown files always fail now.")
    boolean strict;

    @Option(names = "--allow", paramLabel = "NAME", description = {"Trust a module (with its submodules) or a global, as "
            + "torch.serialization.add_safe_globals does: acme_models, torch.nn, acme_models.nets.TinyNet. Repeatable.",
            "What the file hands those globals (callables, state that sets special attributes, nested pickles) is still checked; "
                    + "globals that are evidence of an attack cannot be allowed."})
    List<String> allow = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE", description = "Read more names to allow from FILE: one module or global a line, # comments.")
    Path policy;

    @Override public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        ScanPolicy trusted;
        try {
            trusted = ScanPolicy.allowing(allow);
            if (policy != null) trusted = trusted.withFile(policy);
        } catch (IllegalArgumentException e) {
            throw usage((policy != null && e.getMessage().startsWith(policy.toString())
                    ? "" : "--allow: ") + e.getMessage());
        }
        List<Path> files = new ArrayList<>();
        java.util.Set<Path> walked = new java.util.HashSet<>();
        List<ScanResult> results = new ArrayList<>();
        for (Path p : paths) {
            try {
                List<Path> found = ModelScanner.files(p);
                if (java.nio.file.Files.isDirectory(p)) walked.addAll(found);
                files.addAll(found);
            } catch (IOException e) {
                results.add(new ScanResult(p.toString(), List.of(), Errors.message(e), Errors.kind(e)));
            }
        }
        try (Terminal.Progress progress = Terminal.progress(err, "scanned", files.size(),
                !json && files.size() > 1 && Terminal.stderrIsTerminal())) {
            int[] done = {0};
            // Files are scanned on every core; results still print in path order, each as soon as it is ready.
            ModelScanner.scanFiles(files, walked::contains, r -> {
                results.add(r);
                if (!json) {
                    progress.clear(); // keep the progress line off the results
                    writeText(r, out, err);
                    out.flush();
                }
                progress.accept(++done[0]);
            }, Runtime.getRuntime().availableProcessors(), trusted);
        }
        if (json) writeJson(results, out);
        else out.println(summary(results));
        if (sarif != null) {
            String report = Sarif.report(results, Main.Version.number());
            AtomicFile.write(sarif, true, ch -> {
                ByteBuffer b = ByteBuffer.wrap(report.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
            });
        }
        out.flush();
        err.flush();
        boolean dangerous = results.stream().anyMatch(r -> r.verdict() == Verdict.DANGEROUS);
        boolean unreadable = results.stream().anyMatch(r -> r.error() != null);
        boolean unknown = results.stream().anyMatch(r -> r.verdict() == Verdict.UNKNOWN);
        return dangerous ? EXIT_DANGEROUS : unreadable ? Main.EXIT_ERROR : unknown ? EXIT_DANGEROUS : EXIT_CLEAN;
    }

    private void writeText(ScanResult r, PrintWriter out, PrintWriter err) {
        if (r.error() != null) err.println("torch4j: " + r.error());
        Verdict v = r.verdict();
        if (v == Verdict.UNREADABLE || v == Verdict.SKIPPED) return;
        long unknown = r.findings().stream().filter(f -> f.severity() == Severity.UNKNOWN).count();
        if (v == Verdict.CLEAN) out.println(r.file() + ": clean");
        else if (v == Verdict.UNKNOWN) {
            out.println(r.file() + ": unknown (" + unknown + " global" + (unknown == 1 ? "" : "s")
                    + " not on the vetted list; trust a library with --allow MODULE)");
        }
        for (String c : r.checked()) out.println(r.file() + ": checked " + c);
        for (Finding f : r.findings()) {
            out.println(r.file() + ": " + f.severity() + " " + f.global() + " (" + f.use().label() + ")"
                    + (f.chain().isEmpty() ? "" : " in " + f.chainText())
                    + (f.offset() >= 0 ? " at byte " + f.offset() : "") + ": " + f.reason());
        }
    }

    static String summary(List<ScanResult> results) {
        int[] n = new int[Verdict.values().length];
        for (ScanResult r : results) n[r.verdict().ordinal()]++;
        return results.size() + " file" + (results.size() == 1 ? "" : "s") + " scanned: "
                + n[Verdict.DANGEROUS.ordinal()] + " dangerous, " + n[Verdict.UNKNOWN.ordinal()] + " unknown, "
                + n[Verdict.UNREADABLE.ordinal()] + " unreadable, " + n[Verdict.CLEAN.ordinal()] + " clean"
                + (n[Verdict.SKIPPED.ordinal()] > 0 ? ", " + n[Verdict.SKIPPED.ordinal()] + " skipped (not model files)" : "");
    }

    private static void writeJson(List<ScanResult> results, PrintWriter out) throws IOException {
        JsonWriter w = new JsonWriter(out, true);
        w.beginObject().name("files").beginArray();
        for (ScanResult r : results) {
            w.beginObject();
            w.name("file").value(r.file());
            w.name("verdict").value(r.verdict().id());
            w.name("findings").beginArray();
            for (Finding f : r.findings()) {
                w.beginObject().name("global").value(f.global()).name("use").value(f.use().label())
                        .name("severity").value(f.severity().name().toLowerCase(java.util.Locale.ROOT))
                        .name("entry").value(f.entry()).name("offset").value(f.offset())
                        .name("chain").beginArray();
                for (String c : f.chain()) w.value(c);
                w.endArray().name("reason").value(f.reason()).endObject();
            }
            w.endArray();
            if (!r.checked().isEmpty()) {
                w.name("checked").beginArray();
                for (String c : r.checked()) w.value(c);
                w.endArray();
            }
                        if (r.error() != null) w.name("error").value(r.error()).name("errorKind").value(r.errorKind().id());
            w.endObject();
        }
        w.endArray();
        w.name("summary").value(summary(results));
        w.endObject();
        w.finish();
    }
}
