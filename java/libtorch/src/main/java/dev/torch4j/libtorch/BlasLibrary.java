package dev.torch4j.libtorch;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Which BLAS libtorch's matrix products (linear layers, convolutions through im2col) run on: the
 * presets' OpenBLAS, or Intel MKL when its redistributable jar ({@code org.bytedeco:mkl:...:<platform>-redist})
 * is on the class path. The pytorch preset links {@code libopenblas.so.0}; the openblas presets can
 * load MKL's {@code mkl_rt} under that name instead ({@code org.bytedeco.openblas*.load=mkl_rt}), and
 * libtorch then calls MKL without knowing.
 *
 * <p>Why offer it: on small convolutions MKL's {@code sgemm} is about twice as fast as OpenBLAS's
 * (profile of the ResNet-like CNN's batch-1 call: OpenBLAS 39% of the call, MKL 22% for DJL's
 * libtorch, which has MKL built in), so the call takes about 0.7x. Why it is not the default: the
 * jar is 160 MB, and the process's resident set grows by about 40 MB (MKL's libraries and buffers).
 *
 * <p>{@value #PROPERTY}: {@code auto} (the default: MKL when its jar is there and the user set
 * neither openblas switch), {@code openblas}, or {@code mkl} (libtorch is reported unavailable
 * when the jar is missing). Decided once, before JavaCPP loads anything. With MKL, JavaCPP unpacks
 * into {@code ~/.javacpp/cache-mkl} (unless {@code org.bytedeco.javacpp.cachedir} is set): see
 * {@link #choose}.
 */
final class BlasLibrary {
    private BlasLibrary() {}

    static final String PROPERTY = "torch4j.libtorch.blas";
    static final String OPENBLAS_LOAD = "org.bytedeco.openblas.load";
    static final String OPENBLAS_NOLAPACK_LOAD = "org.bytedeco.openblas_nolapack.load";
    /** JavaCPP's cache folder (default {@code ~/.javacpp/cache}). */
    static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";

    enum Choice { OPENBLAS, MKL }

    /**
     * Decides and, for MKL, sets the presets' switches. Throws IllegalStateException when MKL was
     * asked for and cannot be had, or the setting is not one of the three words.
     */
    static Choice choose(ClassLoader cl, String platform) {
        String set = System.getProperty(PROPERTY, "auto").trim();
        boolean userSwitches = System.getProperty(OPENBLAS_LOAD) != null || System.getProperty(OPENBLAS_NOLAPACK_LOAD) != null;
        switch (set) {
            case "openblas":
                return Choice.OPENBLAS;
            case "auto":
                // The user's own openblas switches win without a look for MKL (three class path lookups).
                if (userSwitches || !mklJarPresent(cl, platform)) return Choice.OPENBLAS;
                break;
            case "mkl":
                if (!mklJarPresent(cl, platform)) {
                    throw new IllegalStateException("-D" + PROPERTY + "=mkl, but MKL is not on the class path: add"
                            + " org.bytedeco:mkl (classifier " + platform + "-redist) or use openblas");
                }
                if (userSwitches) {
                    throw new IllegalStateException("-D" + PROPERTY + "=mkl conflicts with the openblas switches set ("
                            + OPENBLAS_LOAD + ", " + OPENBLAS_NOLAPACK_LOAD + "): set one or the other");
                }
                break;
            default:
                throw new IllegalStateException("-D" + PROPERTY + " must be auto, openblas or mkl, not '" + set + "'");
        }
        // Both presets: the full one provides libopenblas.so.0 for libtorch, the nolapack one the
        // thread-count calls (blas_set_num_threads reaches MKL through it).
        System.setProperty(OPENBLAS_LOAD, "mkl_rt");
        System.setProperty(OPENBLAS_NOLAPACK_LOAD, "mkl_rt");
        // Loading MKL as OpenBLAS rewrites JavaCPP's cache: the openblas jar's folder gets
        // libopenblas.so.0 as a link to MKL, and its OpenBLAS files are extracted again, under any
        // process using that cache at the time (seen here: a test JVM's mapped OpenBLAS became
        // "(deleted)", and a later process loading the full openblas preset got MKL). MKL runs
        // therefore get a cache of their own, unless the user chose one.
        if (System.getProperty(CACHE_DIR) == null) {
            System.setProperty(CACHE_DIR, java.nio.file.Path.of(System.getProperty("user.home"), ".javacpp", "cache-mkl").toString());
        }
        return Choice.MKL;
    }

    /** Whether MKL's runtime library for this platform is a class path resource (the redist jar). */
    static boolean mklJarPresent(ClassLoader cl, String platform) {
        if (cl == null) return false;
        String dir = "org/bytedeco/mkl/" + platform + "/";
        for (String name : new String[] {"libmkl_rt.so.2", "libmkl_rt.2.dylib", "mkl_rt.2.dll"}) {
            if (cl.getResource(dir + name) != null) return true;
        }
        return false;
    }

    /** The BLAS libtorch called once loaded: "OpenBLAS", "MKL", or the preset's vendor code. */
    static String loaded() {
        int vendor = openblas_nolapack.blas_get_vendor();
        // The openblas presets' codes, as observed with each library loaded (2: OpenBLAS, 3: MKL).
        return switch (vendor) {
            case 2 -> "OpenBLAS";
            case 3 -> "MKL";
            default -> "unknown (vendor code " + vendor + ")";
        };
    }
}
