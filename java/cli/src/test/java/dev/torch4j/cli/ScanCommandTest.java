package dev.torch4j.cli;

import dev.torch4j.testing.Fixtures;
import dev.torch4j.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** {@code scan} verdicts and findings against expected.json (pickletools' view of every pickle). */
class ScanCommandTest {
    static Stream<Fixtures.Expected> fixtures() {
        return Fixtures.expected().stream();
    }

    @BeforeEach void noMarker() throws Exception {
        Files.deleteIfExists(Fixtures.MARKER);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("fixtures")
    void verdictAndFindingsMatch(Fixtures.Expected expected) throws Exception {
        CliRun run = CliRun.of("scan", "--json", expected.path().toString());
        boolean dangerous = expected.scanVerdict().equals("dangerous");
        Map<?, ?> file = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(run.out())).get("files")).get(0);
        // Default-deny: exit 0 only for clean; a whole pickled model (torch.nn classes) is "unknown", exit 1.
        if (dangerous) {
            assertEquals("dangerous", file.get("verdict"));
            assertEquals(1, run.exit(), run::toString);
        } else {
            assertTrue(List.of("clean", "unknown").contains(file.get("verdict")), file::toString);
            assertEquals(file.get("verdict").equals("clean") ? 0 : 1, run.exit(), run::toString);
        }
        // What PyTorch's weights-only unpickler accepted (recorded by gen_fixtures.py) is provably clean.
        if ("weights_only".equals(expected.loadedBy()) && !dangerous) assertEquals("clean", file.get("verdict"), file::toString);
        List<String> want = new ArrayList<>();
        for (Map<String, Object> f : expected.findings()) want.add(f.get("entry") + " " + f.get("global") + " " + f.get("offset"));
        List<String> got = new ArrayList<>();
        for (Object o : (List<?>) file.get("findings")) {
            Map<?, ?> f = (Map<?, ?>) o;
            if (f.get("severity").equals("dangerous")) got.add(f.get("entry") + " " + f.get("global") + " " + f.get("offset"));
        }
        assertEquals(want, got);
        assertFalse(Files.exists(Fixtures.MARKER), "payload ran");
    }

    @Test void textNamesFileEntryGlobalAndOffset() {
        Path evil = Fixtures.file("malicious/zip_data_pkl.pt");
        CliRun run = CliRun.of("scan", Fixtures.file("zip/mlp_state_dict.pt").toString(), evil.toString());
        assertEquals(1, run.exit(), run::toString);
        assertTrue(run.out().contains(Fixtures.file("zip/mlp_state_dict.pt") + ": clean"), run::toString);
        assertTrue(run.out().contains(evil + ": DANGEROUS posix.system (called) in zip_data_pkl/data.pkl at byte 187: "), run::toString);
        assertTrue(run.out().endsWith("2 files scanned: 1 dangerous, 0 unknown, 0 unreadable, 1 clean\n"), run::toString);
    }

    @Test void treesJsonChainAndSummary() throws Exception {
        Path dir = Fixtures.file("scan");
        CliRun run = CliRun.of("scan", "--json", dir.toString());
        assertEquals(1, run.exit(), run::toString);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(run.out());
        List<?> files = (List<?>) doc.get("files");
        Map<?, ?> nested = files.stream().map(o -> (Map<?, ?>) o)
                .filter(f -> f.get("file").equals(dir.resolve("c4_zip_nested.pt").toString())).findFirst().orElseThrow();
        Map<?, ?> finding = (Map<?, ?>) ((List<?>) nested.get("findings")).get(0);
        assertEquals("posix.system", finding.get("global"));
        assertEquals("called", finding.get("use"));
        List<?> chain = (List<?>) finding.get("chain");
        assertEquals("c4_zip_nested/data.pkl", chain.get(0));
        assertTrue(((String) chain.get(1)).startsWith("torch.storage._load_from_bytes payload"), chain::toString);
        // scan-expected.json is not a model file: skipped in a tree, not unreadable.
        assertTrue(((String) doc.get("summary")).endsWith("1 skipped (not model files)"), doc::toString);
    }

    /** A cut file is unreadable, and --json says what kind of failure it is beside the message. */
    @Test void jsonErrorsCarryTheirKind(@TempDir Path dir) throws Exception {
        byte[] zip = Files.readAllBytes(Fixtures.file("zip/mlp_state_dict.pt"));
        Path cut = dir.resolve("cut.pt");
        Files.write(cut, java.util.Arrays.copyOf(zip, zip.length / 2));
        Path absent = dir.resolve("absent.pt");
        CliRun run = CliRun.of("scan", "--json", cut.toString(), absent.toString());
        assertEquals(2, run.exit(), run::toString);
        List<?> files = (List<?>) ((Map<?, ?>) Json.parse(run.out())).get("files");
        Map<?, ?> first = (Map<?, ?>) files.get(0);
        assertEquals("unreadable", first.get("verdict"));
        assertEquals("truncated", first.get("errorKind"), first::toString);
        assertTrue(((String) first.get("error")).startsWith(cut + " at byte "), first::toString);
        assertEquals("io", ((Map<?, ?>) files.get(1)).get("errorKind"), files::toString);
    }

    @Test void unknownFailsUnlessAllowedAndSarifIsWritten(@TempDir Path dir) throws Exception {
        Path model = Fixtures.file("scan/ok_whole_module_subclass.pt");
        CliRun plain = CliRun.of("scan", model.toString());
        assertEquals(1, plain.exit(), plain::toString);
        assertTrue(plain.out().contains(model + ": unknown ("), plain::toString);
        assertTrue(plain.out().contains("UNKNOWN acme_models.nets.TinyNet (instantiated)"), plain::toString);
        assertEquals(0, CliRun.of("scan", "--allow", "acme_models", "--allow", "torch.nn", model.toString()).exit());
        Path policy = dir.resolve("trusted.txt");
        Files.writeString(policy, "# the team's own models\nacme_models\ntorch.nn.modules.linear.Linear\n");
        CliRun allowed = CliRun.of("scan", "--policy", policy.toString(), model.toString());
        assertEquals(0, allowed.exit(), allowed::toString);
        assertTrue(allowed.out().contains(model + ": clean"), allowed::toString);
        // allowing a module never makes evidence acceptable
        CliRun evil = CliRun.of("scan", "--allow", "os", "--allow", "posix", Fixtures.file("malicious/reduce_system.pkl").toString());
        assertEquals(1, evil.exit(), evil::toString);
        Files.writeString(policy, "not a name\n");
        CliRun bad = CliRun.of("scan", "--policy", policy.toString(), model.toString());
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().contains("line 1"), bad::toString);
        Path sarif = dir.resolve("report.sarif");
        CliRun strict = CliRun.of("scan", "--sarif", sarif.toString(), model.toString(),
                Fixtures.file("scan/c5_torch_os_system.pkl").toString());
        assertEquals(1, strict.exit(), strict::toString);
        Map<?, ?> log = (Map<?, ?>) Json.parse(Files.readString(sarif));
        assertEquals("2.1.0", log.get("version"));
        Map<?, ?> runObj = (Map<?, ?>) ((List<?>) log.get("runs")).get(0);
        List<?> results = (List<?>) runObj.get("results");
        assertTrue(results.stream().map(o -> (Map<?, ?>) o).anyMatch(r -> r.get("level").equals("error")
                && ((Map<?, ?>) r.get("message")).get("text").toString().contains("torch.os.system")), results::toString);
        assertTrue(results.stream().map(o -> (Map<?, ?>) o).anyMatch(r -> r.get("level").equals("warning")
                && ((Map<?, ?>) r.get("message")).get("text").toString().contains("acme_models.nets.TinyNet")), results::toString);
    }

    @Test void unreadableFileInATreeIsListedAndFailsTheRun(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("weights.bin"), new byte[] {'(', 'K', 'x'});
        Files.writeString(dir.resolve("README.md"), "This model...\n");
        CliRun run = CliRun.of("scan", dir.toString());
        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().startsWith("torch4j: " + dir.resolve("weights.bin")), run::toString);
        assertTrue(run.out().contains("1 unreadable, 0 clean, 1 skipped"), run::toString);
    }

    @Test void unreadableFileExits2(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.pkl");
        Files.write(junk, new byte[] {'n', 'o', 'p', 'e'});
        CliRun run = CliRun.of("scan", Fixtures.file("zip/mlp_state_dict.pt").toString(), junk.toString());
        assertEquals(2, run.exit(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("torch4j: " + junk), run::toString);
        CliRun missing = CliRun.of("scan", dir.resolve("missing.pt").toString());
        assertEquals(2, missing.exit(), missing::toString);
    }

    @Test void dangerousWinsOverUnreadable(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.pkl");
        Files.write(junk, new byte[] {'n', 'o'});
        CliRun run = CliRun.of("scan", junk.toString(), Fixtures.file("malicious/stack_global.pkl").toString());
        assertEquals(1, run.exit(), run::toString);
    }
}
