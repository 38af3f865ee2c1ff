package dev.torch4j.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies a library out of the jar so the OS can load it. The copy goes to
 * {@code ~/.cache/torch4j/<version>/<sha256 prefix>/} (reused across runs; the content hash in
 * the path means a different build never picks up a stale file), or, when the home cache is
 * not writable, to a fresh private directory under {@code java.io.tmpdir}.
 */
final class LibraryCache {
  static final String CACHE_PROPERTY = "torch4j.native.cache";

  private LibraryCache() {}

  static Path extract(byte[] content, String fileName, String version) throws IOException {
    String hash = sha256(content).substring(0, 16);
    IOException homeFailure;
    try {
      Path dir = cacheRoot().resolve(version).resolve(hash);
      return install(content, hash, dir.resolve(fileName));
    } catch (IOException | SecurityException e) {
      homeFailure = e instanceof IOException io ? io : new IOException(e);
    }
    try {
      // A private directory, so no other user can plant a library at a guessed path.
      Path dir = Files.createTempDirectory("torch4j-" + hash + "-");
      Path file = install(content, hash, dir.resolve(fileName));
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      e.addSuppressed(homeFailure);
      throw e;
    }
  }

  private static Path cacheRoot() {
    String override = System.getProperty(CACHE_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("torch4j");
  }

  /** Writes {@code target} unless an intact copy is already there; never exposes a partial file. */
  private static Path install(byte[] content, String hash, Path target) throws IOException {
    if (Files.isRegularFile(target) && hash.equals(sha256(Files.readAllBytes(target)).substring(0, 16))) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
    try {
      Files.write(temp, content);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  static byte[] readResource(String path) throws IOException {
    try (InputStream in = LibraryCache.class.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
