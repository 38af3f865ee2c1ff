package dev.torch4j.pickle;

import dev.torch4j.testing.SharedFolder;
import dev.torch4j.PickleLimits;
import dev.torch4j.TorchFileException;
import dev.torch4j.numpy.NumpyGlobals;
import dev.torch4j.io.HeapRegion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fixtures written by gen_pickle_fixtures.py and small helpers to load them. */
final class PickleFixtures {
    private PickleFixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = PickleFixtures.class.getResourceAsStream("/pickle/" + name + ".pkl")) {
            if (in == null) throw new AssertionError("missing fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of a TSV file in the fixture folder, split on tabs. */
    static List<String[]> table(String file) {
        try (InputStream in = PickleFixtures.class.getResourceAsStream("/pickle/" + file)) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) rows.add(line.split("\t"));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PickleMachine.Config config(String name, boolean allowUnsafe) {
        return new PickleMachine.Config(name, null, NumpyGlobals.INSTANCE, pid -> new ArrayList<>(List.of("PID", pid)),
                allowUnsafe, PickleLimits.DEFAULT);
    }

    static Object load(byte[] data, PickleMachine.Config config) throws TorchFileException {
        return new PickleMachine(new HeapRegion(data), 0, config).load();
    }

    static Object load(String name) throws TorchFileException {
        return load(bytes(name), config(name, false));
    }

    /** The shared corpus folder ({@code ../shared/corpus} next to the repository); skips the test when absent (fails under CI). */
    static Path corpus() {
        return SharedFolder.requireCorpus();
    }
}
