package dev.torch4j.libtorch;

import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over repeated load / forward / close cycles. Measured here: a module left
 * unclosed costs ~130 KiB of RSS, so a leak of one per cycle would show as ~130 MiB over the load
 * cycles, far above the allowance; the cheaper forward / hand-over cycles run more often. JavaCPP's
 * count of live native handles must not move at all: everything is freed deterministically.
 */
class LeakTest {
    static final int WARMUP = 300;
    static final int LOAD_CYCLES = 1000;
    static final int FORWARD_CYCLES = 5000;
    /** Allocator and JIT noise. */
    static final long ALLOWANCE = 24L << 20;

    @BeforeAll
    static void ready() {
        Oracle.assumeReady();
    }

    /** Resident set size from /proc/self/status, in bytes (-1 where there is no /proc). */
    static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return -1;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        }
        return -1;
    }

    interface Cycle {
        void run() throws IOException;
    }

    static void assertFlat(String what, int cycles, Cycle cycle) throws IOException {
        for (int i = 0; i < WARMUP; i++) cycle.run();
        System.gc();
        long handles = Pointer.totalCount();
        long before = rss();
        long t0 = System.nanoTime();
        for (int i = 0; i < cycles; i++) cycle.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // Every JavaCPP handle made in the loop was freed by close()/PointerScope, not left for the
        // garbage collector (which may meanwhile free other tests' leftovers, hence at most).
        long left = Pointer.totalCount();
        assertTrue(left <= handles, what + ": " + (left - handles) + " native handles still allocated");
        System.gc();
        long after = rss();
        System.err.printf("leak test, %s: %d cycles in %d ms, RSS %d -> %d KiB (%+d KiB)%n",
                what, cycles, ms, before >> 10, after >> 10, (after - before) >> 10);
        assertEquals(0, TensorArena.pinnedGlobally(), what + ": borrowed memory released");
        if (before > 0) assertTrue(after - before < ALLOWANCE, what + ": RSS grew by " + ((after - before) >> 10) + " KiB");
    }

    @Test
    void loadForwardCloseStaysFlat() throws IOException {
        Path model = Oracle.fixture("model.pt");
        Tensor x = ScriptModelTest.input();
        assertFlat("load/forward/close", LOAD_CYCLES, () -> {
            try (ScriptModel m = ScriptModel.load(model)) {
                m.forward(x);
            }
        });
    }

    @Test
    void forwardAndHandOverStayFlat() throws IOException {
        Tensor x = ScriptModelTest.input();
        try (ScriptModel m = ScriptModel.load(Oracle.fixture("model.pt"));
             ScriptModel borrowing = ScriptModel.load(Oracle.fixture("model.pt")).borrowInputs(true)) {
            assertFlat("forward/borrow/copy", FORWARD_CYCLES, () -> {
                m.forward(x);
                m.run("twice", x);
                borrowing.forward(x);
                try (TensorArena arena = new TensorArena()) {
                    arena.borrow(x);
                    arena.copy(x);
                }
                NativeTensors.copy(x).close();
            });
        }
    }
}
