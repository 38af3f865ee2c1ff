package dev.torch4j.nativelib;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the libtorch shared libraries that ship in the bytedeco pytorch jar, so that
 * libtorch4j_mobile (which links against {@code libtorch_cpu.so}) can resolve them.
 * <ol>
 *   <li>{@code -Dtorch4j.libtorch.dir=dir1:dir2...}: directories holding the libraries
 *       (e.g. the unpacked {@code org/bytedeco/pytorch/linux-x86_64} and
 *       {@code org/bytedeco/openblas/linux-x86_64}); they are loaded by path in dependency order.</li>
 *   <li>otherwise JavaCPP, when {@code org.bytedeco:pytorch} is on the class path:
 *       {@code Loader.load(org.bytedeco.pytorch.global.torch.class)}, found by reflection so
 *       this module has no compile-time dependency on it.</li>
 * </ol>
 * Once a library with a given soname is loaded, the dynamic linker satisfies later
 * {@code NEEDED} entries with it, which is why loading by explicit path in order works.
 */
final class LibtorchLibraries {
  static final String DIR_PROPERTY = "torch4j.libtorch.dir";

  /** Dependency order: each library's own dependencies come before it. */
  private static final List<String> LOAD_ORDER = List.of(
      "libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0",
      "libgomp.so.1", "libc10.so", "libtorch_cpu.so");

  private LibtorchLibraries() {}

  static LoadResult load() {
    try {
      String dirs = System.getProperty(DIR_PROPERTY);
      if (dirs != null && !dirs.isBlank()) {
        return loadFrom(dirs);
      }
      return loadWithJavaCpp();
    } catch (RuntimeException | LinkageError e) {
      return LoadResult.failed("libtorch could not be loaded: " + e);
    }
  }

  private static LoadResult loadFrom(String dirs) {
    List<Path> searched = new ArrayList<>();
    for (String d : dirs.split(File.pathSeparator)) {
      if (!d.isBlank()) {
        searched.add(Path.of(d).toAbsolutePath());
      }
    }
    List<String> loaded = new ArrayList<>();
    for (String name : LOAD_ORDER) {
      Path file = find(searched, name);
      if (file == null) {
        if (name.equals("libtorch_cpu.so") || name.equals("libc10.so")) {
          return LoadResult.failed(name + " not found in -D" + DIR_PROPERTY + "=" + dirs);
        }
        continue;  // optional: may come from the system instead
      }
      try {
        System.load(file.toString());
        loaded.add(name);
      } catch (UnsatisfiedLinkError e) {
        return LoadResult.failed("loading " + file + " failed: " + e.getMessage());
      }
    }
    return LoadResult.from("-D" + DIR_PROPERTY + " " + loaded);
  }

  private static Path find(List<Path> dirs, String name) {
    for (Path dir : dirs) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static LoadResult loadWithJavaCpp() {
    ClassLoader cl = LibtorchLibraries.class.getClassLoader();
    // torch4j-libtorch, when present, loads libtorch its quiet way (one OpenBLAS, no JavaCPP version
    // warning for the pinned openblas jar, c10 logging errors only); the libraries it loads satisfy
    // libtorch4j_mobile's NEEDED entries by soname.
    for (dev.torch4j.spi.NativeBackend backend : java.util.ServiceLoader.load(dev.torch4j.spi.NativeBackend.class, cl)) {
      if (backend.name().equals("libtorch")) {
        if (backend.available()) return LoadResult.from("torch4j-libtorch (JavaCPP)");
        // torch4j-libtorch is there and refused (-Dtorch4j.libtorch.disable, a BLAS setting it
        // rejected...): loading libtorch behind its back would override the user's choice.
        return LoadResult.failed("libtorch is unavailable: " + backend.describe().get("reason"));
      }
    }
    Class<?> loader;
    Class<?> torch;
    try {
      loader = Class.forName("org.bytedeco.javacpp.Loader", false, cl);
      torch = Class.forName("org.bytedeco.pytorch.global.torch", false, cl);
    } catch (ClassNotFoundException e) {
      return LoadResult.failed("libtorch not found: set -D" + DIR_PROPERTY
          + " or put org.bytedeco:pytorch on the class path");
    }
    try {
      loader.getMethod("load", Class.class).invoke(null, torch);
      return LoadResult.from("JavaCPP Loader.load(" + torch.getName() + ")");
    } catch (InvocationTargetException e) {
      return LoadResult.failed("JavaCPP could not load libtorch: " + e.getCause());
    } catch (ReflectiveOperationException e) {
      return LoadResult.failed("JavaCPP Loader.load is not callable: " + e);
    }
  }
}
