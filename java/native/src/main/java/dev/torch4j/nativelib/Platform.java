package dev.torch4j.nativelib;

import java.util.Locale;

/**
 * The classifier naming this machine's native libraries: {@code <os>-<arch>}, as in the
 * bytedeco/JavaCPP jars ({@code linux-x86_64}, {@code linux-arm64}, {@code macosx-arm64},
 * {@code windows-x86_64}). Packaged libraries live under {@code /native/<classifier>/}.
 */
public final class Platform {
  private Platform() {}

  /** The classifier of the running JVM, or {@code <os>-<arch>} with raw names when unknown. */
  public static String current() {
    return classifier(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  static String classifier(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String osPart;
    if (os.startsWith("linux")) {
      osPart = "linux";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      osPart = "macosx";
    } else if (os.startsWith("windows")) {
      osPart = "windows";
    } else {
      osPart = os.replaceAll("[^a-z0-9]", "");
    }
    String arch = osArch.toLowerCase(Locale.ROOT);
    String archPart = switch (arch) {
      case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
      case "aarch64", "arm64" -> "arm64";
      case "ppc64le" -> "ppc64le";
      default -> arch.replaceAll("[^a-z0-9_]", "");
    };
    return osPart + "-" + archPart;
  }

  /** Resource path of a library inside the classifier jar, e.g. {@code /native/linux-x86_64/libtorch4j_native.so}. */
  static String resourcePath(String classifier, String libraryName) {
    return "/native/" + classifier + "/" + System.mapLibraryName(libraryName);
  }
}
