package dev.torch4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all-or-nothing: into a temporary file beside the target (same directory, so the
 * final rename stays on one file system), forced to disk, then renamed over the target.
 *
 * <ul>
 *   <li>On any failure the temporary file is deleted and an existing target keeps its old content;
 *       on SIGINT/SIGTERM a shutdown hook deletes it too, so an interrupted write leaves nothing.</li>
 *   <li>A new file gets the permissions any program's new file gets (the umask applies: usually
 *       {@code rw-r--r--}); a replaced file keeps its old permissions.</li>
 *   <li>Errors name the target the caller asked for, never the temporary name.</li>
 * </ul>
 *
 * <p>Thread-safe: concurrent writes to different targets are independent; concurrent writes to one
 * target leave one complete version.
 */
public final class AtomicFile {
    /** Writes the whole content through the channel (positional writes are fine). */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the file's content.
         *
         * @param channel the temporary file, open for writing, empty
         * @throws IOException when writing fails (the temporary file is then deleted)
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes the content to a file by path: for native writers (libtorch) that open files themselves. */
    @FunctionalInterface
    public interface PathContent {
        /**
         * Writes the file's content.
         *
         * @param file a not yet existing file whose name equals the target's name (so formats that
         *             record their own file name, like TorchScript's archive root, record the target's)
         * @throws IOException when writing fails (the temporary files are then deleted)
         */
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Writes {@code target} through a channel.
     *
     * @param overwrite when false, an existing target is an error ({@link FileAlreadyExistsException}
     *                  naming the target) and is left untouched
     * @throws IOException when writing fails; the target is then unchanged
     */
    public static void write(Path target, boolean overwrite, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        refuseExisting(target, absolute, overwrite);
        Path temp = createSibling(target, absolute, ".tmp", false);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            moveIntoPlace(target, absolute, temp, overwrite);
        } catch (IOException e) {
            throw Temporaries.namingTarget(e, temp, target);
        } finally {
            Temporaries.delete(temp);
        }
    }

    /**
     * Writes {@code target} by path: {@code content} writes a file named like the target inside a
     * temporary directory beside it; that file is then forced to disk and moved into place.
     *
     * @param overwrite when false, an existing target is an error and is left untouched
     * @throws IOException when writing fails; the target is then unchanged
     */
    public static void writePath(Path target, boolean overwrite, PathContent content) throws IOException {
        Path absolute = target.toAbsolutePath();
        refuseExisting(target, absolute, overwrite);
        Path dir = createSibling(target, absolute, ".tmp.d", true);
        Path file = dir.resolve(absolute.getFileName().toString());
        try {
            content.writeTo(file);
            if (!Files.isRegularFile(file)) throw new IOException(target + ": nothing was written");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            moveIntoPlace(target, absolute, file, overwrite);
        } catch (IOException e) {
            throw Temporaries.namingTarget(e, dir, target);
        } catch (UncheckedIOException e) {
            throw Temporaries.namingTarget(e.getCause(), dir, target);
        } finally {
            Temporaries.delete(dir);
        }
    }

    private static void refuseExisting(Path target, Path absolute, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(absolute)) {
            throw new FileAlreadyExistsException(target.toString(), null, "already exists");
        }
    }

    /**
     * A new hidden file (or directory) beside the target, created with default permissions (unlike
     * {@link Files#createTempFile}, which makes files owner-only) and registered for deletion at exit.
     */
    private static Path createSibling(Path target, Path absolute, String suffix, boolean directory) throws IOException {
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(target.toString(), null, "its directory does not exist");
        }
        for (int attempt = 0; ; attempt++) {
            String name = "." + absolute.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + suffix;
            Path temp = dir.resolve(name);
            try {
                // Registered and created in one step against the exit hook: a file created after the
                // hook took its list would outlive the JVM.
                synchronized (Temporaries.LOCK) {
                    Temporaries.requireRunning(target);
                    Temporaries.register(temp);
                    if (directory) Files.createDirectory(temp);
                    else Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                }
                return temp;
            } catch (FileAlreadyExistsException e) {
                Temporaries.forget(temp);
                if (attempt > 100) throw e;
            } catch (IOException e) {
                Temporaries.forget(temp);
                throw Temporaries.namingTarget(e, temp, target);
            }
        }
    }

    private static void moveIntoPlace(Path target, Path absolute, Path temp, boolean overwrite) throws IOException {
        keepPermissions(absolute, temp);
        if (!overwrite && Files.exists(absolute)) {
            throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing");
        }
        // Not once the exit hook runs: it may already have removed what this file belongs with (an OutputSet).
        synchronized (Temporaries.LOCK) {
            Temporaries.requireRunning(target);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        syncDirectory(absolute.getParent());
    }

    /** A replaced file keeps its mode; a new one keeps the umask-derived mode it was created with. */
    private static void keepPermissions(Path target, Path temp) {
        try {
            if (Files.exists(target)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target);
                Files.setPosixFilePermissions(temp, perms);
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // Not a POSIX file system: the platform's defaults apply.
        }
    }

    /** Makes the rename itself durable where the platform allows opening a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories; the rename is still atomic there.
        }
    }

    /** Keeps the exception's type so callers can still tell "exists" from "no such file". */
    static FileSystemException copyOf(FileSystemException e, String file) {
        String reason = e.getReason();
        if (e instanceof java.nio.file.NoSuchFileException) return new java.nio.file.NoSuchFileException(file, null, reason);
        if (e instanceof java.nio.file.AccessDeniedException) return new java.nio.file.AccessDeniedException(file, null, reason);
        if (e instanceof FileAlreadyExistsException) return new FileAlreadyExistsException(file, null, reason);
        if (e instanceof java.nio.file.NotDirectoryException) return new FileSystemException(file, null, "not a directory");
        return new FileSystemException(file, null, reason);
    }
}
