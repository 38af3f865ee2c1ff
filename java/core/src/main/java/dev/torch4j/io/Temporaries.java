package dev.torch4j.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The temporary files {@link AtomicFile} has open, deleted by one shutdown hook when the JVM exits
 * before they are moved into place: Ctrl-C (SIGINT) and {@code kill} (SIGTERM) run shutdown hooks,
 * so an interrupted conversion of a multi-gigabyte model leaves no hidden {@code .tmp} behind.
 * (SIGKILL runs nothing; no program can clean up after it.)
 */
final class Temporaries {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    /**
     * Held while a temporary file is created or moved into place, and by the exit hook while it takes
     * its list: after the hook has started, no file is created or moved (shutdown hooks run while the
     * writing thread still runs), so what the hook deletes is everything there is.
     */
    static final Object LOCK = new Object();
    private static boolean exiting;

    /** Throws once the JVM is exiting; call holding {@link #LOCK}. */
    static void requireRunning(Path target) throws IOException {
        if (exiting) throw new IOException(target + ": not written: torch4j is exiting (interrupted)");
    }

    private Temporaries() {}

    static void register(Path temp) {
        installHook();
        LIVE.add(temp);
    }

    static void forget(Path temp) {
        LIVE.remove(temp);
    }

    /** Deletes a temporary file or directory (with its content) and forgets it; never throws. */
    static void delete(Path temp) {
        try {
            deleteTree(temp);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the hook retries at exit.
            return;
        }
        LIVE.remove(temp);
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    private static void installHook() {
        if (hookInstalled) return;
        synchronized (Temporaries.class) {
            if (hookInstalled) return;
            Thread hook = new Thread(() -> {
                List<Path> all;
                synchronized (LOCK) {
                    exiting = true;
                    all = List.copyOf(LIVE);
                }
                for (Path p : all) {
                    try {
                        deleteTree(p);
                    } catch (IOException | RuntimeException ignored) {
                        // The JVM is going away; nothing more can be done.
                    }
                }
            }, "torch4j-temporary-files");
            Runtime.getRuntime().addShutdownHook(hook);
            hookInstalled = true;
        }
    }

    /**
     * The same failure, naming the user's target instead of the temporary file: users never asked
     * for {@code .model.pth.x7k.tmp} and should not have to decode it.
     */
    static IOException namingTarget(IOException e, Path temp, Path target) {
        String tempName = temp.toString();
        if (e instanceof FileSystemException fs && fs.getFile() != null && fs.getFile().startsWith(tempName)) {
            FileSystemException copy = AtomicFile.copyOf(fs, target.toString());
            copy.initCause(e);
            return copy;
        }
        String m = e.getMessage();
        if (m != null && m.contains(tempName)) {
            String inside = temp.resolve(target.getFileName().toString()).toString();
            return new IOException(m.replace(inside, target.toString()).replace(tempName, target.toString()), e);
        }
        return e;
    }
}
