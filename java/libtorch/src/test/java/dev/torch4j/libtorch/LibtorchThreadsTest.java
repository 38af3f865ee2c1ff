package dev.torch4j.libtorch;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LibtorchThreadsTest {
    @Test
    void onlyTheLoadAboveTheCoreCountTakesThreadsOff() {
        assertEquals(2, LibtorchThreads.freeCores(2, 0.3), "idle: every core");
        assertEquals(2, LibtorchThreads.freeCores(2, 2.0), "a just-finished JVM's load alone changes nothing");
        assertEquals(2, LibtorchThreads.freeCores(2, 2.4), "excess 0.4 rounds away");
        assertEquals(1, LibtorchThreads.freeCores(2, 2.6));
        assertEquals(1, LibtorchThreads.freeCores(2, 9.0), "never below 1");
        assertEquals(15, LibtorchThreads.freeCores(16, 17.0));
        assertEquals(12, LibtorchThreads.freeCores(16, 20.0));
        assertEquals(4, LibtorchThreads.freeCores(4, -1), "no load average (not Linux): every core");
        assertEquals(4, LibtorchThreads.freeCores(4, Double.NaN));
    }

    @Test
    void theLoadIsTheLargerOfTheOneAndFiveMinuteAverages() throws Exception {
        java.nio.file.Path proc = java.nio.file.Path.of("/proc/loadavg");
        assumeTrue(java.nio.file.Files.isReadable(proc), "no /proc/loadavg (not Linux)");
        String[] f = java.nio.file.Files.readString(proc).trim().split(" ");
        double expected = Math.max(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        // The kernel updates the averages every 5 s; between the two reads they may move a little.
        assertEquals(expected, LibtorchThreads.LoadAverage.recent(), 1.0);
    }

    @Test
    void theThreadsPropertyFixesTheCountAtLoad() {
        assumeTrue(LibtorchBackend.isAvailable(), "libtorch unavailable");
        int before = LibtorchThreads.intraOp();
        String old = System.getProperty(LibtorchThreads.THREADS);
        try {
            System.setProperty(LibtorchThreads.THREADS, "1");
            assertEquals(1, LibtorchThreads.defaultIntraOp());
            assertEquals(1, torch.get_num_threads(), "libtorch's own count");
            System.setProperty(LibtorchThreads.THREADS, "0");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, LibtorchThreads::defaultIntraOp);
            assertTrue(e.getMessage().contains("torch4j.libtorch.threads") && e.getMessage().contains("'0'"), e.getMessage());
            System.setProperty(LibtorchThreads.THREADS, "two");
            assertThrows(IllegalArgumentException.class, LibtorchThreads::defaultIntraOp);
            System.setProperty(LibtorchThreads.THREADS, "auto");
            int cores = Runtime.getRuntime().availableProcessors();
            torch.set_num_threads(cores);
            // The kernel moves the averages every 5 s: the call's count is what the load just before or after leaves.
            double loadBefore = LibtorchThreads.LoadAverage.recent();
            int auto = LibtorchThreads.defaultIntraOp();
            double loadAfter = LibtorchThreads.LoadAverage.recent();
            if (System.getenv("OMP_NUM_THREADS") != null) {
                assertEquals(cores, auto, "auto keeps the user's OMP_NUM_THREADS");
            } else {
                assertTrue(auto == LibtorchThreads.freeCores(cores, loadBefore)
                        || auto == LibtorchThreads.freeCores(cores, loadAfter), "auto: the cores the load leaves, got " + auto);
            }
            System.clearProperty(LibtorchThreads.THREADS);
            torch.set_num_threads(1);
            assertEquals(1, LibtorchThreads.defaultIntraOp(), "unset: libtorch's own count is kept");
        } finally {
            if (old == null) System.clearProperty(LibtorchThreads.THREADS);
            else System.setProperty(LibtorchThreads.THREADS, old);
            LibtorchThreads.setIntraOp(before);
        }
    }

    @Test
    void thePreloaderListsAndLoadsThePresetsWrapperClasses() throws Exception {
        assumeTrue(LibtorchBackend.isAvailable(), "libtorch unavailable");
        WrapperClassPreloader p = WrapperClassPreloader.start(torch.class);
        assumeTrue(p != null, "one CPU, or the preset's classes do not come from a jar");
        assertTrue(p.await(120_000), "preloading ended");
        // The preset's JNI library registers ~1,900 wrapper classes (torch4j's own count for 2.13.0-1.5.14:
        // 1,878 class files outside presets/); every one the jar lists must be definable in this JVM.
        assertTrue(p.loaded() > 1000, "wrapper classes loaded: " + p.loaded());
        assertEquals(torch.class, Class.forName("org.bytedeco.pytorch.global.torch", false, torch.class.getClassLoader()));
    }
}
