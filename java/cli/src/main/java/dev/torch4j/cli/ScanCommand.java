package dev.torch4j.cli;

import dev.torch4j.json.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code torch4j scan FILE...}: looks for globals that could run code in every pickle of each file.
 * Exit 0: all clean; 1: a dangerous global was found (this wins over read errors: it is the
 * actionable verdict); 2: some file could not be read (and nothing dangerous was found).
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Check PyTorch files for pickled globals that could run code (os.system, eval, ...).",
                "Nothing in the files is ever executed. Exit status: 0 clean, 1 dangerous, 2 unreadable."})
final class ScanCommand implements Callable<Integer> {
    static final int EXIT_CLEAN = 0;
    static final int EXIT_DANGEROUS = 1;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to scan.")
    List<Path> files;

    @Option(names = "--json", description = "Write JSON: {files: [{file, verdict, findings: [{entry, offset, global}], error}]}.")
    boolean json;

    private record Result(Path file, List<FileScan.Finding> findings, String error) {
        static Result of(Path file, FileScan.Report report) {
            return new Result(file, report.findings(), report.error() == null ? null : Errors.message(report.error()));
        }

        String verdict() {
            return !findings.isEmpty() ? "dangerous" : error != null ? "error" : "clean";
        }
    }

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean debug = spec.root().commandLine().getParseResult().hasMatchedOption("--debug");
        List<Result> results = new ArrayList<>();
        for (Path f : files) {
            try {
                results.add(Result.of(f, FileScan.scan(f)));
            } catch (Exception e) {
                results.add(new Result(f, List.of(), Errors.message(e)));
                if (debug) e.printStackTrace(err);
            }
        }
        if (json) writeJson(results, out);
        else writeText(results, out, err);
        out.flush();
        err.flush();
        boolean dangerous = results.stream().anyMatch(r -> !r.findings().isEmpty());
        boolean unreadable = results.stream().anyMatch(r -> r.error() != null);
        return dangerous ? EXIT_DANGEROUS : unreadable ? Main.EXIT_ERROR : EXIT_CLEAN;
    }

    private static void writeText(List<Result> results, PrintWriter out, PrintWriter err) {
        for (Result r : results) {
            if (r.error() != null) err.println("torch4j: " + r.error());
            if (r.error() == null && r.findings().isEmpty()) out.println(r.file() + ": clean");
            for (FileScan.Finding f : r.findings()) {
                out.println(r.file() + ": DANGEROUS " + f.global()
                        + (f.entry() != null ? " in entry " + f.entry() : "") + " at byte " + f.offset());
            }
        }
    }

    private static void writeJson(List<Result> results, PrintWriter out) throws java.io.IOException {
        JsonWriter w = new JsonWriter(out, true);
        w.beginObject().name("files").beginArray();
        for (Result r : results) {
            w.beginObject();
            w.name("file").value(r.file().toString());
            w.name("verdict").value(r.verdict());
            w.name("findings").beginArray();
            for (FileScan.Finding f : r.findings()) {
                w.beginObject().name("entry").value(f.entry()).name("offset").value(f.offset())
                        .name("global").value(f.global()).endObject();
            }
            w.endArray();
            if (r.error() != null) w.name("error").value(r.error());
            w.endObject();
        }
        w.endArray().endObject();
        w.finish();
    }
}
