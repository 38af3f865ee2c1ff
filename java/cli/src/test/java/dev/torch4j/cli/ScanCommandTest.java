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
        assertEquals(dangerous ? 1 : 0, run.exit(), run::toString);
        Map<?, ?> file = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(run.out())).get("files")).get(0);
        assertEquals(expected.scanVerdict(), file.get("verdict"));
        List<String> want = new ArrayList<>();
        for (Map<String, Object> f : expected.findings()) want.add(f.get("entry") + " " + f.get("global") + " " + f.get("offset"));
        List<String> got = new ArrayList<>();
        for (Object o : (List<?>) file.get("findings")) {
            Map<?, ?> f = (Map<?, ?>) o;
            got.add(f.get("entry") + " " + f.get("global") + " " + f.get("offset"));
        }
        assertEquals(want, got);
        assertFalse(Files.exists(Fixtures.MARKER), "payload ran");
    }

    @Test void textNamesFileEntryGlobalAndOffset() {
        Path evil = Fixtures.file("malicious/zip_data_pkl.pt");
        CliRun run = CliRun.of("scan", Fixtures.file("zip/mlp_state_dict.pt").toString(), evil.toString());
        assertEquals(1, run.exit(), run::toString);
        assertTrue(run.out().contains(Fixtures.file("zip/mlp_state_dict.pt") + ": clean"), run::toString);
        assertTrue(run.out().contains(evil + ": DANGEROUS posix.system in entry zip_data_pkl/data.pkl at byte 187"), run::toString);
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
