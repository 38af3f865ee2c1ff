package dev.torch4j.libtorch;

/**
 * Discovers the optional native backend. {@link #probe()} never throws: it loads libtorch once (a
 * second or two, the first time also unpacking ~400 MB into JavaCPP's cache) and says whether that
 * worked. Everything else in this module calls {@link #require()} first.
 *
 * <p>This class names no JavaCPP type, so it loads (and reports "unavailable") even when the
 * JavaCPP jars are not on the class path.
 */
public final class LibtorchBackend {
    private LibtorchBackend() {}

    private static volatile Availability cached;

    /** Loads libtorch if not yet done; the outcome is remembered for the life of the JVM. */
    public static Availability probe() {
        Availability a = cached;
        if (a == null) {
            synchronized (LibtorchBackend.class) {
                a = cached;
                if (a == null) {
                    a = load();
                    cached = a;
                }
            }
        }
        return a;
    }

    /** True when libtorch is loaded and usable. */
    public static boolean isAvailable() {
        return probe().available();
    }

    /** Throws {@link LibtorchUnavailableException} saying why when libtorch cannot be used. */
    public static void require() {
        Availability a = probe();
        if (!a.available()) throw new LibtorchUnavailableException(a.reason());
    }

    private static Availability load() {
        String platform = System.getProperty("org.bytedeco.javacpp.platform", expectedPlatform());
        if (Boolean.getBoolean("torch4j.libtorch.disable")) {
            return Availability.unavailable("disabled by -Dtorch4j.libtorch.disable=true", platform);
        }
        try {
            return LibtorchLoader.load();
        } catch (NoClassDefFoundError e) {
            return Availability.unavailable("JavaCPP pytorch presets not on the class path (" + e.getMessage() + ")", platform);
        } catch (UnsatisfiedLinkError e) {
            return Availability.unavailable("native libraries failed to load for " + platform + ": " + firstLine(e), platform);
        } catch (IllegalStateException e) {
            return Availability.unavailable(firstLine(e), platform); // a setting torch4j refused, already in words
        } catch (LinkageError | RuntimeException e) {
            return Availability.unavailable(e.getClass().getSimpleName() + ": " + firstLine(e), platform);
        }
    }

    private static String expectedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
        return o + "-" + a;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
