package dev.torch4j.zip;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive read through its central directory (PyTorch writes STORED entries with data
 * descriptors, which streaming readers reject). STORED entries are zero-copy sub-regions of the
 * mapped file; DEFLATED ones are inflated on demand after their declared size is checked.
 */
public final class ZipArchive {
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    private final String file;
    private final ByteRegion bytes;
    private final long maxEntryBytes;
    private final Map<String, Entry> entries;

    /** One archive member as the central directory declares it ({@code flags}: its general-purpose bits). */
    public record Entry(String name, int method, long size, long compressedSize, long localHeaderOffset, long dataOffset, int flags) {
        /** Bit 0: the entry is encrypted (libtorch's miniz refuses to read it). */
        public boolean encrypted() { return (flags & 1) != 0; }
    }

    /**
     * Entries by ASCII-lower-cased name: libtorch (miniz) finds records case-insensitively. Null when
     * no name has an upper-case letter (PyTorch writes none): {@code entries} then serves both
     * lookups, and a 20,000-entry archive does not pay for a second map.
     */
    private final Map<String, Entry> folded;
    private final Set<String> nameSet;
    /** {@link #folders}: found while indexing by {@link #open}, else on first use. */
    private volatile Set<String> folders;

    private ZipArchive(String file, ByteRegion bytes, long maxEntryBytes, Map<String, Entry> entries) {
        this(file, bytes, maxEntryBytes, entries, anyUpper(entries.keySet()));
    }

    /** {@code anyUpper}: whether a name has an upper-case letter, when the caller has already looked. */
    private ZipArchive(String file, ByteRegion bytes, long maxEntryBytes, Map<String, Entry> entries, boolean anyUpper) {
        this.file = file;
        this.bytes = bytes;
        this.maxEntryBytes = maxEntryBytes;
        this.entries = entries;
        this.nameSet = Collections.unmodifiableSet(entries.keySet());
        Map<String, Entry> f = null;
        if (anyUpper) {
            f = new LinkedHashMap<>();
            for (Entry e : entries.values()) f.putIfAbsent(fold(e.name()), e);
        }
        this.folded = f;
    }

    /**
     * Every central-directory entry, duplicates and directories included, without the checks
     * {@link #open} makes: for scanners that must see what any reader could pick.
     */
    public static List<Entry> directory(String file, ByteRegion bytes) throws TorchFileException {
        return ZipDirectory.read(file, bytes);
    }

    /** ASCII lower case, as miniz compares names (non-ASCII bytes compare exactly). */
    public static String fold(String name) {
        if (!hasUpper(name)) return name; // the usual case: no copy
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    private static boolean anyUpper(Iterable<String> names) {
        for (String name : names) {
            if (hasUpper(name)) return true;
        }
        return false;
    }

    private static boolean hasUpper(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') return true;
        }
        return false;
    }

    /**
     * Reads the central directory of {@code path}; entry data is then served from {@code bytes}
     * (the same file, mapped).
     */
    public static ZipArchive open(Path path, ByteRegion bytes, long maxEntryBytes) throws TorchFileException {
        return open(path.toString(), bytes, maxEntryBytes);
    }

    /**
     * An archive whose entries are served even when names repeat (the first of each name wins):
     * for scanners, which report ambiguity themselves and read every entry through {@link #read(Entry)}.
     */
    public static ZipArchive openAll(String file, ByteRegion bytes, long maxEntryBytes) throws TorchFileException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry entry : ZipDirectory.read(file, bytes)) {
            if (!entry.name().endsWith("/")) entries.putIfAbsent(entry.name(), entry);
        }
        return new ZipArchive(file, bytes, maxEntryBytes, Collections.unmodifiableMap(entries));
    }

    /** An archive held in memory (a nested {@code _load_from_bytes} payload). */
    public static ZipArchive open(String file, byte[] data, long maxEntryBytes) throws TorchFileException {
        return open(file, new HeapRegion(data), maxEntryBytes);
    }

    // The directory is parsed from the bytes we already hold (ZipDirectory), not by a zip library:
    // that way every failure names the record and offset at fault, and nothing is read twice.
    public static ZipArchive open(String file, ByteRegion bytes, long maxEntryBytes) throws TorchFileException {
        List<Entry> directory = ZipDirectory.read(file, bytes);
        NameIndex index = new NameIndex(file, directory.size());
        for (Entry entry : directory) index.add(entry);
        ZipArchive zip = new ZipArchive(file, bytes, maxEntryBytes, Collections.unmodifiableMap(index.entries), index.anyUpper);
        zip.folders = Collections.unmodifiableSet(index.folders.set);
        return zip;
    }

    /**
     * Whether an entry's name starts with {@code folder} (ending in {@code /}, as stored: letter case
     * counts), answered from {@link #folders}: a few for a PyTorch archive, where asking every name
     * took a pass over 20,000 of them.
     */
    public boolean hasEntriesUnder(String folder) {
        if (!folder.endsWith("/")) throw new IllegalArgumentException("not a folder (no trailing slash): " + folder);
        Set<String> all = folders();
        if (all.contains(folder)) return true;
        for (String f : all) {
            if (f.startsWith(folder)) return true;
        }
        return false;
    }

    /**
     * The folder of every entry name, up to its last slash ({@code a/b/} for {@code a/b/c}; names at
     * the top have none), as stored and in order of first appearance: a few for a PyTorch archive,
     * so a record can be looked for in each of them rather than by a pass over every name. Only the
     * names' own folders, not their ancestors: a 64 KiB name of slashes would otherwise hold a
     * gigabyte of prefixes.
     */
    public Set<String> folders() {
        Set<String> f = folders;
        if (f == null) {
            Folders found = new Folders();
            for (String name : nameSet) found.add(name);
            folders = f = Collections.unmodifiableSet(found.set);
        }
        return f;
    }

    /** The folders of the names added (each up to its last slash). */
    private static final class Folders {
        final Set<String> set = new LinkedHashSet<>();
        /** The last name's folder: names come grouped by folder, so most are answered by one comparison. */
        private String last;

        void add(String name) {
            int slash = name.lastIndexOf('/');
            if (slash < 0 || (last != null && last.length() == slash + 1 && name.startsWith(last))) return;
            last = name.substring(0, slash + 1);
            set.add(last);
        }
    }

    /**
     * The entries by name, refusing names PyTorch could confuse. {@link #add} is a method rather
     * than the body of the loop in {@link #open}: the JIT compiles it after a few hundred entries,
     * where a loop body waits ~60,000 iterations, so a 20,000-entry archive was indexed by the
     * interpreter throughout.
     */
    private static final class NameIndex {
        private final String file;
        final Map<String, Entry> entries;
        /**
         * Names with upper-case letters by their folded form; all-lower-case names are their own
         * folded form, so {@code entries} finds their clashes without a second map per entry.
         */
        private final Map<String, String> upper = new HashMap<>();
        /** Found here rather than by another pass over 20,000 names. */
        boolean anyUpper;
        final Folders folders = new Folders();

        NameIndex(String file, int size) {
            this.file = file;
            this.entries = new LinkedHashMap<>(Math.max(16, size * 4 / 3 + 1));
        }

        void add(Entry entry) throws TorchFileException {
            String name = entry.name();
            if (name.endsWith("/")) return; // a directory
            // PyTorch looks records up case-insensitively and may pick either of two such entries:
            // an archive that can be read two ways is refused rather than read one way here.
            boolean hasUpper = hasUpper(name);
            anyUpper |= hasUpper;
            String f = hasUpper ? fold(name) : name;
            String other = entries.containsKey(f) ? f : upper.get(f);
            if (hasUpper && other == null) upper.put(f, name);
            if (other != null) {
                throw new TorchFileException(file, entry.name(), -1, other.equals(entry.name())
                        ? "the archive holds two entries of this name (ambiguous: refused)"
                        : "entries " + other + " and " + entry.name() + " differ only in letter case, and PyTorch "
                        + "finds records case-insensitively (ambiguous: refused)");
            }
            entries.put(entry.name(), entry);
            folders.add(name);
        }
    }

    public String file() { return file; }

    /** Entry names in the order they are stored. */
    public List<String> names() { return new ArrayList<>(entries.keySet()); }

    /** How many entries (directories excluded). */
    public int size() { return entries.size(); }

    /** The entry names in stored order, as an unmodifiable view (no copy, for loops over big archives). */
    public Set<String> nameSet() { return nameSet; }

    /** Whether a record of this name exists, matched case-insensitively as libtorch does. */
    public boolean contains(String name) { return entry(name) != null; }

    /** The entry of this name: exact, else the one that matches case-insensitively (as libtorch finds it). */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e != null) return e;
        if (folded != null) return folded.get(fold(name));
        return hasUpper(name) ? entries.get(fold(name)) : null;
    }

    /** The uncompressed bytes of an entry: mapped when STORED, inflated when DEFLATED. */
    public ByteRegion read(String name) throws TorchFileException {
        Entry e = entry(name);
        if (e == null) throw new TorchFileException(file, name, -1, "entry missing from the archive");
        return read(e);
    }

    /** The uncompressed bytes of one directory entry (one of {@link #directory}'s). */
    public ByteRegion read(Entry e) throws TorchFileException {
        String name = e.name();
        if (e.encrypted()) throw headerError(ErrorKind.UNSUPPORTED, name, e.localHeaderOffset(), "entry is encrypted (PyTorch cannot read it either)");
        long start = dataOffset(e);
        if (e.compressedSize() < 0 || start > bytes.size() - e.compressedSize()) {
            throw headerError(ErrorKind.TRUNCATED, name, start, "entry data (" + e.compressedSize() + " bytes at file offset "
                    + start + ") runs past the end of the " + bytes.size() + "-byte file (truncated?)");
        }
        if (e.method() == STORED) {
            if (e.size() != e.compressedSize()) {
                throw headerError(name, start, "STORED entry declares size " + e.size()
                        + " but compressed size " + e.compressedSize());
            }
            return bytes.subRegion(start, e.size());
        }
        if (e.method() == DEFLATED) return inflate(e, start);
        throw headerError(ErrorKind.UNSUPPORTED, name, start, "unsupported zip compression method " + e.method());
    }

    /** A small text record ({@code version}, {@code byteorder}), trimmed. */
    public String readText(String name, int maxBytes) throws TorchFileException {
        ByteRegion r = read(name);
        if (r.size() > maxBytes) throw new TorchFileException(ErrorKind.LIMIT, file, name, 0, "record larger than " + maxBytes + " bytes");
        byte[] out = new byte[(int) r.size()];
        r.copyTo(0, out, 0, out.length);
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    /** The name the entry's local header gives (it may differ from the central directory's in a forged archive). */
    public String localName(Entry e) throws TorchFileException {
        long lho = checkLocalHeader(e);
        int nameLength = u16(lho + 26);
        if (lho + LOCAL_HEADER_SIZE + nameLength > bytes.size()) throw headerError(ErrorKind.TRUNCATED, e.name(), lho, "local header name runs past the end of the file");
        byte[] b = new byte[nameLength];
        bytes.copyTo(lho + LOCAL_HEADER_SIZE, b, 0, nameLength);
        return new String(b, StandardCharsets.UTF_8);
    }

    private long checkLocalHeader(Entry e) throws TorchFileException {
        long lho = e.localHeaderOffset();
        if (lho < 0 || lho > bytes.size() - LOCAL_HEADER_SIZE) {
            throw headerError(ErrorKind.TRUNCATED, e.name(), lho, "local header offset " + lho + " outside the "
                    + bytes.size() + "-byte file (truncated?)");
        }
        if (bytes.get(lho) != 'P' || bytes.get(lho + 1) != 'K' || bytes.get(lho + 2) != 3 || bytes.get(lho + 3) != 4) {
            throw headerError(e.name(), lho, "no local file header at byte " + lho);
        }
        return lho;
    }

    private long dataOffset(Entry e) throws TorchFileException {
        if (e.dataOffset() >= 0) return e.dataOffset();
        // Read the local header ourselves: its name and extra lengths may differ from the central directory's.
        long lho = checkLocalHeader(e);
        return lho + LOCAL_HEADER_SIZE + u16(lho + 26) + u16(lho + 28); // name and extra lengths
    }

    /** The little-endian 16-bit field at {@code at}. */
    private int u16(long at) {
        return (bytes.get(at) & 0xff) | (bytes.get(at + 1) & 0xff) << 8;
    }

    /**
     * A problem with an entry's headers or placement: the offset is in the file, not in the entry
     * (TorchFileException's convention when it names an entry), so the entry is named in the reason.
     */
    private TorchFileException headerError(String entry, long fileOffset, String reason) {
        return headerError(ErrorKind.CORRUPT, entry, fileOffset, reason);
    }

    private TorchFileException headerError(ErrorKind kind, String entry, long fileOffset, String reason) {
        return new TorchFileException(kind, file, null, fileOffset, "entry " + entry + ": " + reason);
    }

    /** Deflate cannot expand data more than about 1032 times: a larger declared size is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** Output grows only as inflated bytes arrive, so a lying size field costs no memory up front. */
    private static final int INITIAL_INFLATE_BUFFER = 1 << 16;
    /**
     * Deflated entries up to this size are inflated into memory (random access, as pickles and
     * small storages need); larger ones are inflated as they are read (InflatingRegion), so a
     * 1 MiB deflate bomb of 1 GiB costs a 1 MiB window, not a 1 GiB array.
     */
    static final long MAX_INFLATE_IN_MEMORY = 64L << 20;

    private ByteRegion inflate(Entry e, long start) throws TorchFileException {
        long size = e.size();
        if (size < 0) throw new TorchFileException(file, e.name(), -1, "compressed entry without a declared size");
        if (size > maxEntryBytes || size > Integer.MAX_VALUE - 8) {
            throw headerError(ErrorKind.LIMIT, e.name(), start, "entry inflates to " + size
                    + " bytes, over the limit of " + maxEntryBytes);
        }
        if (e.compressedSize() > Integer.MAX_VALUE - 8) {
            throw headerError(ErrorKind.LIMIT, e.name(), start, "compressed entry of " + e.compressedSize() + " bytes is too large");
        }
        if (size > e.compressedSize() * MAX_DEFLATE_RATIO + 1024) {
            throw headerError(e.name(), start, "declares " + size + " bytes from only "
                    + e.compressedSize() + " deflated bytes, more than deflate can produce");
        }
        if (size > MAX_INFLATE_IN_MEMORY) {
            return new InflatingRegion(file, e.name(), bytes.subRegion(start, e.compressedSize()), size);
        }
        byte[] out = new byte[(int) Math.min(size, INITIAL_INFLATE_BUFFER)];
        ByteBuffer in = bytes.slice(start, (int) e.compressedSize());
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(in);
            int filled = 0;
            while (filled < size) {
                if (filled == out.length) out = Arrays.copyOf(out, (int) Math.min(size, 2L * out.length));
                int n = inflater.inflate(out, filled, out.length - filled);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) break;
                filled += n;
            }
            if (filled != size) {
                throw new TorchFileException(ErrorKind.TRUNCATED, file, e.name(), filled, "deflated data ends after " + filled
                        + " of " + size + " declared bytes");
            }
            // A stream that goes on past its declared size is corrupt or a zip bomb: stop, never grow.
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new TorchFileException(file, e.name(), size, "deflated data inflates past its declared "
                        + size + " bytes");
            }
            return new HeapRegion(out);
        } catch (DataFormatException ex) {
            throw new TorchFileException(file, e.name(), inflater.getBytesWritten(), "corrupt deflated data: " + ex.getMessage(), ex);
        } finally {
            inflater.end();
        }
    }
}
