package dev.torch4j.libtorch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@link Oracle} for tests in other packages (the CLI). */
public final class OracleAccess {
    private OracleAccess() {}

    public static void assumeReady() {
        Oracle.assumeReady();
    }

    public static Path fixture(String name) throws IOException {
        return Oracle.fixture(name);
    }

    public static Path inferenceFixture(String name) throws IOException {
        return Oracle.inferenceFixture(name);
    }

    /** A script of src/test/python, found from the module or the repository root. */
    public static Path script(String name) {
        return Oracle.script(name);
    }

    public static Path tempDir() throws IOException {
        return Oracle.tempDir();
    }

    public static Map<String, float[]> runExported(String kind, Path model, String... methods) throws IOException {
        return Oracle.runExported(kind, model, methods);
    }

    /** forward and twice agree with what PyTorch computed for the trained model (frozen-graph tolerance). */
    public static void assertTrainedOutputs(Map<String, float[]> outputs) throws IOException {
        MobileExportTest.assertTrainedOutputs(outputs, MobileExportTest.FROZEN_REL, MobileExportTest.FROZEN_ABS);
    }
}
