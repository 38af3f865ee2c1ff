package dev.torch4j.cli;

import dev.torch4j.cli.api.ExitCodeLists;

import dev.torch4j.cli.api.Torch4jCommand;

import dev.torch4j.Format;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.spi.NativeBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** {@code torch4j info}: versions and what this build can do, native backends included (and why not). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the torch4j and Java versions, the formats, and which native backends load (or why not).",
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {ExitCodeLists.OK})
final class InfoCommand extends Torch4jCommand {
    /** Backends the project ships as optional modules, so info can say which module to add. */
    private static final Map<String, String> KNOWN_MODULES = Map.of(
            "libtorch", "torch4j-libtorch", "torch4j-native", "torch4j-native");

    @Option(names = "--json", description = "Print JSON for programs.")
    boolean json;

    @Override public Integer call() throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("torch4j", Main.Version.number());
        info.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        info.put("formats", Arrays.stream(Format.values()).map(Format::id).toList());
        info.put("backends", backends());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonWriter w = new JsonWriter(out, true);
            w.value(info);
            w.finish();
            out.println();
        } else {
            printText(info, out);
        }
        out.flush();
        return dev.torch4j.spi.ExitCodes.OK;
    }

    /** pure-java always; every ServiceLoader backend with its own facts; known modules that are absent. */
    private static Map<String, Object> backends() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pure-java", Map.of("available", true));
        try {
            for (NativeBackend b : ServiceLoader.load(NativeBackend.class)) {
                try {
                    out.put(b.name(), b.describe());
                } catch (RuntimeException | LinkageError e) {
                    out.put(b.name(), Map.of("available", false, "reason", String.valueOf(e)));
                }
            }
        } catch (ServiceConfigurationError e) {
            out.put("service-loader", Map.of("available", false, "reason", String.valueOf(e.getMessage())));
        }
        for (Map.Entry<String, String> m : KNOWN_MODULES.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            out.putIfAbsent(m.getKey(), Map.of("available", false,
                    "reason", m.getValue() + " is not on the class path"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> info, PrintWriter out) {
        out.println("torch4j   " + info.get("torch4j"));
        out.println("java      " + info.get("java"));
        out.println("os        " + info.get("os"));
        out.println("formats   " + String.join(", ", (List<String>) info.get("formats")));
        out.println("backends");
        for (Map.Entry<String, Object> b : ((Map<String, Object>) info.get("backends")).entrySet()) {
            Map<String, Object> facts = (Map<String, Object>) b.getValue();
            boolean ok = Boolean.TRUE.equals(facts.get("available"));
            String rest = facts.entrySet().stream().filter(e -> !e.getKey().equals("available"))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            out.println("  " + b.getKey() + ": " + (ok ? "available" : "unavailable") + (rest.isEmpty() ? "" : " (" + rest + ")"));
        }
    }
}
