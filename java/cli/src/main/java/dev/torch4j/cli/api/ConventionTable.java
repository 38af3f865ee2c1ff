package dev.torch4j.cli.api;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The convention table of docs/commands.md, read from the command tree itself: for every command
 * whether it writes files, whether it takes {@code --json} and {@code --force}, and its exit codes (the
 * keys of its help's exit code list). {@code java -cp <the platform distribution's lib/*>
 * dev.torch4j.cli.api.ConventionTable} prints it for every command of the product; tests compare the
 * document with the commands on their class path.
 */
public final class ConventionTable {
    static final String HEADER = "| Command | Writes files | `--json` | `--force` | Exit codes |";
    static final String RULE = "|---|---|---|---|---|";

    private ConventionTable() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        out.println(HEADER);
        out.println(RULE);
        for (String row : rows(tree(out)).values()) out.println(row);
        out.flush();
    }

    /** The whole {@code torch4j} tree on this class path: built-ins, extensions, placeholders of absent modules. */
    public static CommandLine tree(PrintWriter err) {
        return dev.torch4j.cli.CommandTree.whole(err);
    }

    /**
     * One table row per command whose class is on this class path, by name in help's order; a command
     * whose module is absent (a placeholder that exits 3) has no row here.
     */
    public static Map<String, String> rows(CommandLine root) {
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            Object command = spec.userObject();
            if (!(command instanceof Torch4jCommand)) continue; // a placeholder of an absent module
            String writes = command instanceof WritingCommand ? "yes" : "no";
            List<String> codes = new ArrayList<>(spec.usageMessage().exitCodeList().keySet());
            rows.put(e.getKey(), "| `" + e.getKey() + "` | " + writes + " | " + yes(spec.findOption("--json") != null)
                    + " | " + yes(spec.findOption("--force") != null) + " | " + String.join(", ", codes) + " |");
        }
        return rows;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    /** The markers around the generated table in docs/commands.md. */
    static final String BEGIN = "<!-- convention-table:begin -->";
    static final String END = "<!-- convention-table:end -->";

    /**
     * Where {@code doc}'s table and {@code tree} disagree, one line each (empty when they agree): a
     * command of the tree on this class path whose row is missing or differs, a row for a command the
     * tree does not know, a command of the tree (absent modules' included) without a row.
     */
    public static List<String> differences(java.nio.file.Path doc, CommandLine tree) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(doc);
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        if (begin < 0 || end < begin) return List.of(doc + ": no " + BEGIN + " ... " + END + " table");
        List<String> documented = new ArrayList<>(lines.subList(begin + 1, end));
        documented.removeIf(String::isBlank);
        List<String> problems = new ArrayList<>();
        if (documented.size() < 2 || !documented.get(0).equals(HEADER) || !documented.get(1).equals(RULE)) {
            problems.add("the table does not start with " + HEADER);
            return problems;
        }
        documented = documented.subList(2, documented.size());
        Map<String, String> byName = new java.util.LinkedHashMap<>();
        for (String row : documented) {
            int a = row.indexOf('`');
            int b = row.indexOf('`', a + 1);
            byName.put(a >= 0 && b > a ? row.substring(a + 1, b) : row, row);
        }
        for (Map.Entry<String, String> row : rows(tree).entrySet()) {
            String doced = byName.get(row.getKey());
            if (!row.getValue().equals(doced)) {
                problems.add(row.getKey() + ": the tree says " + row.getValue() + ", the document " + doced);
            }
        }
        for (String name : tree.getSubcommands().keySet()) {
            if (!byName.containsKey(name)) problems.add(name + ": a command without a row");
        }
        for (String name : byName.keySet()) {
            if (!tree.getSubcommands().containsKey(name)) problems.add(name + ": a row for no command");
        }
        return problems;
    }
}
