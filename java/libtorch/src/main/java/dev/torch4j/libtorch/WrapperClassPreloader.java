package dev.torch4j.libtorch;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads the pytorch preset's wrapper classes on a second thread while the first one maps the native
 * libraries. The preset's JNI library, once mapped, registers every wrapper class it knows (about
 * 1,900, each through {@code Class.forName}) before it returns: measured here, 330 ms of a 1.4 s
 * load, after OpenBLAS (100-250 ms) and the {@code libtorch_cpu.so} mapping (about 200 ms), all on
 * one thread. Defining the same classes (without initialising them) on another core while the
 * libraries map turns that registration into lookups of loaded classes. Nothing is initialised and
 * nothing else changes: when the jar cannot be listed, the registration loads the classes itself, as
 * before. Off with {@code -Dtorch4j.libtorch.preloadClasses=false}.
 */
final class WrapperClassPreloader implements Runnable {
    /** Set to false to load the wrapper classes only where the JNI library asks for them. */
    static final String PRELOAD = "torch4j.libtorch.preloadClasses";

    private final Path jar;
    private final String packagePrefix;
    private final ClassLoader loader;
    private final List<String> first;
    private volatile boolean stop;
    private volatile int loaded;
    private Thread thread;

    private WrapperClassPreloader(Path jar, String packagePrefix, ClassLoader loader, List<String> first) {
        this.jar = jar;
        this.packagePrefix = packagePrefix;
        this.loader = loader;
        this.first = first;
    }

    /**
     * Starts preloading the classes of {@code anchor}'s jar under its package's parent (for
     * {@code org.bytedeco.pytorch.global.torch}: {@code org/bytedeco/pytorch/}) on a daemon thread,
     * after the classes named in {@code first} (the large ones the loading thread needs earliest);
     * null when switched off, on one CPU, or when the classes do not come from a jar file.
     */
    static WrapperClassPreloader start(Class<?> anchor, String... first) {
        if (!Boolean.parseBoolean(System.getProperty(PRELOAD, "true")) || Runtime.getRuntime().availableProcessors() < 2) {
            return null;
        }
        Path jar = jarOf(anchor);
        String pkg = anchor.getPackageName();
        int dot = pkg.lastIndexOf('.');
        if (jar == null || dot < 0 || anchor.getClassLoader() == null) return null;
        WrapperClassPreloader p = new WrapperClassPreloader(jar, pkg.substring(0, dot + 1).replace('.', '/'),
                anchor.getClassLoader(), List.of(first));
        Thread t = new Thread(p, "torch4j-libtorch-preload");
        t.setDaemon(true);
        p.thread = t;
        t.start();
        return p;
    }

    /** Ends the preloading (the libraries are loaded: every class is registered by now). */
    void stop() {
        stop = true;
    }

    /** Waits up to {@code millis} for the preloading to end; true when it has. */
    boolean await(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** How many classes this preloader defined or found loaded, once it ended (for tests and diagnostics). */
    int loaded() {
        return loaded;
    }

    @Override public void run() {
        List<String> names = new ArrayList<>(first);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                // presets/ holds the build-time configuration class, which names parser-only types.
                if (name.startsWith(packagePrefix) && name.endsWith(".class") && !name.startsWith(packagePrefix + "presets/")
                        && !name.endsWith("module-info.class")) {
                    names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException | RuntimeException e) {
            return; // the JNI library loads what it needs itself
        }
        int n = 0;
        for (String name : names) {
            if (stop) break;
            try {
                Class.forName(name, false, loader);
                n++;
            } catch (ClassNotFoundException | LinkageError e) {
                // A class this JVM cannot define; the JNI library's own registration decides what that means.
            }
        }
        loaded = n;
    }

    /** The jar file a class was loaded from; null for directories, jlink images and unknown sources. */
    private static Path jarOf(Class<?> c) {
        try {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            if (url == null || !"file".equals(url.getProtocol())) return null;
            Path p = Path.of(url.toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
