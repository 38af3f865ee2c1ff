package dev.torch4j.scan;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.format.ContainerFormat;
import dev.torch4j.format.ContainerFormats;
import dev.torch4j.format.ContainerScan;
import dev.torch4j.format.HeadTail;
import dev.torch4j.pt2.Pt2Archive;
import dev.torch4j.pt2.Pt2ScanPlan;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.PickleFlow;
import dev.torch4j.PickleLimits;
import dev.torch4j.zip.ZipArchive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scans one file: finds its pickles (zip entries, the five of a legacy file, the run of a plain
 * pickle file, the pickle inside a numpy object array), its TorchScript code, and every payload a
 * pickle hands to a loader, each with the chain that leads to it. Budgets bound nesting depth,
 * payload count and the bytes that must be decoded to reach a payload.
 */
final class ScanSession {
    private final String file;
    private final ScanLimits limits;
    private final List<Finding> findings = new ArrayList<>();
    private TorchFileException error;
    private int payloads;
    private long materialized;

    private final ScanPolicy policy;

    ScanSession(String file, ScanLimits limits) {
        this(file, limits, ScanPolicy.DEFAULT);
    }

    ScanSession(String file, ScanLimits limits, ScanPolicy policy) {
        this.file = file;
        this.limits = limits;
        this.policy = policy;
    }

    /** The globals the user trusts beyond the vetted list. */
    ScanPolicy policy() { return policy; }

    List<Finding> findings() { return findings; }

    /** What was checked in files without pickles (ExecuTorch), for the report. */
    List<String> checked() { return checked; }

    private final List<String> checked = new ArrayList<>();

    /** The scanned file's name, for messages. */
    String file() { return file; }

    TorchFileException error() { return error; }

    void fail(TorchFileException e) {
        if (error == null) error = e;
    }

    /** Scans a whole file or payload; {@code chain} leads to it; an error is kept, not thrown. */
    void scanContainer(ByteRegion bytes, List<String> chain, int depth, String entry) {
        scanContainer(bytes, HeadTail.of(label(chain, entry), bytes), chain, depth, entry);
    }

    /** As above, with the ends of the bytes already read; the format they show does the walking. */
    void scanContainer(ByteRegion bytes, HeadTail head, List<String> chain, int depth, String entry) {
        try {
            ContainerFormat format;
            try {
                format = ContainerFormats.detect(head);
            } catch (TorchFileException e) {
                // pickle.load, and torch.load's legacy path, read any stream of opcodes (a legacy magic number
                // spelled another way, a protocol 0 pickle followed by raw data): such bytes are scanned as one.
                if (!startsWithPickleOpcode(head)) throw e;
                scanPickles(bytes, 0, entry, chain, depth, Integer.MAX_VALUE, false, true);
                return;
            }
            format.scan(new Scope(chain, depth, entry), bytes, head);
        } catch (TorchFileException e) {
            fail(e);
        }
    }

    /** This session's walks as a format sees them, bound to where its container sits. */
    private final class Scope implements ContainerScan {
        private final List<String> chain;
        private final int depth;
        private final String entry;

        Scope(List<String> chain, int depth, String entry) {
            this.chain = chain;
            this.depth = depth;
            this.entry = entry;
        }

        @Override public String file() { return file; }
        @Override public long maxPayloadBytes() { return limits.maxPayloadBytes(); }
        @Override public TorchFileException error(ErrorKind kind, long offset, String message) {
            return new TorchFileException(kind, file, entry, offset, message);
        }
        @Override public void zip(ByteRegion bytes) throws TorchFileException { scanZip(bytes, chain, depth); }
        @Override public void pickles(ByteRegion bytes, long start, int count, boolean joblib) throws TorchFileException {
            scanPickles(bytes, start, entry, chain, depth, count, false, joblib);
        }
        @Override public void npy(ByteRegion bytes) throws TorchFileException { scanNpy(bytes, chain, depth, entry); }
        @Override public ByteRegion decoded(byte[] bytes) { return materialize(bytes); }
        @Override public void checked(List<String> what) { checked.addAll(what); }
        @Override public void tar(ByteRegion bytes) throws TorchFileException { TarScan.scan(ScanSession.this, bytes, chain, depth); }
        @Override public void embeddedPickle(ByteRegion bytes) { scanEmbedded(bytes, chain, depth, entry, 0); }
        @Override public void operator(String name, String where) {
            Finding f = ScriptOps.rateOperatorName(name, where, -1, chain);
            if (f != null) findings.add(f);
        }
        @Override public void scriptClass(String qualifiedName, String where) {
            Finding f = ScriptOps.rateMobileClass(qualifiedName, where, chain);
            if (f != null) findings.add(f);
        }
        @Override public void script(String source, String where) throws TorchFileException {
            if (source.length() > limits.maxPayloadBytes()) {
                throw new TorchFileException(ErrorKind.LIMIT, file, where, 0, "script source too large to scan");
            }
            findings.addAll(ScriptOps.scanSource(source, where, chain));
        }
    }

    /** Whether the first byte is an opcode Python's unpickler knows (pickletools' table). */
    static boolean startsWithPickleOpcode(HeadTail head) {
        return head.length() > 0 && PICKLE_OPCODES.indexOf((char) head.at(0)) >= 0;
    }

    /** A legacy torch.save is five pickles in a row: magic number, protocol, sys info, the object, storage keys. */
    private static final int LEGACY_PICKLES = 5;
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final String PICKLE_OPCODES = "()012FIJKLMNPQRSTUVXabcd}eghijl]opqrstuGBC"
            + "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e"
            + "\u008f\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098";

    /** A payload a loader would unpickle: scanned as a file of its own, within the budgets. */
    void scanNested(ByteRegion payload, List<String> chain, int depth, String entry, long offset) {
        if (depth > limits.maxDepth()) {
            fail(new TorchFileException(ErrorKind.LIMIT, file, entry, offset, "payloads nested more than " + limits.maxDepth()
                    + " deep (limit): not scanned"));
            return;
        }
        if (++payloads > limits.maxPayloads()) {
            fail(new TorchFileException(ErrorKind.LIMIT, file, entry, offset, "more than " + limits.maxPayloads()
                    + " nested payloads (limit): the rest is not scanned"));
            return;
        }
        scanContainer(payload, chain, depth, null);
    }

    /**
     * Bytes that may be a pickle a class's {@code __setstate__} unpickles (they sit in a BUILD state):
     * scanned as a pickle within the same budgets; when they do not parse, no loader could run them
     * either, so that is no error of the file. What was found before the damage stands.
     */
    void scanEmbedded(ByteRegion payload, List<String> chain, int depth, String entry, long offset) {
        if (depth > limits.maxDepth() || ++payloads > limits.maxPayloads()) {
            fail(new TorchFileException(file, entry, offset, "bytes in a BUILD state nested past the scan's limits: not scanned"));
            return;
        }
        try {
            scanPickles(payload, 0, entry, chain, depth, 1, false, false);
        } catch (TorchFileException e) {
            // not a pickle after all
        }
    }

    /** Bytes decoded to reach a payload count against the budget (they are held while it is scanned). */
    void chargeMaterialized(long n) {
        materialized += n;
        if (n > limits.maxPayloadBytes() || materialized > limits.maxDecodedBytes()) {
            throw new BudgetExceeded("decoding " + n + " more bytes of nested payloads would pass the limit of "
                    + limits.maxDecodedBytes() + " bytes");
        }
    }

    /**
     * One budget for the nested containers of a file, whatever their shape: each counts as a payload, and
     * the bytes inflated to reach it against the decoded-bytes budget (an archive nested eight deep,
     * sixteen entries each, stops at the budget instead of costing minutes).
     */
    private void chargeWork(String entry, long bytes) throws TorchFileException {
        if (++payloads > limits.maxPayloads()) {
            throw new TorchFileException(file, entry, 0, "more than " + limits.maxPayloads()
                    + " nested archives and payloads (limit): the rest is not scanned");
        }
        materialized += bytes;
        if (materialized > limits.maxDecodedBytes()) {
            throw new TorchFileException(file, entry, 0, "nested archives and payloads of more than "
                    + limits.maxDecodedBytes() + " bytes in all (limit): the rest is not scanned");
        }
    }

    ByteRegion materialize(byte[] b) {
        chargeMaterialized(b.length);
        return new HeapRegion(b);
    }

    /** Thrown through the pickle walk when a budget is exhausted; becomes the file's error. */
    static final class BudgetExceeded extends RuntimeException {
        @java.io.Serial private static final long serialVersionUID = 1L;
        BudgetExceeded(String m) { super(m, null, false, false); }
    }

    /** {@code joblib}: a plain or joblib-compressed pickle file, which joblib.load reads with its arrays spliced in. */
    private void scanPickles(ByteRegion bytes, long start, String entry, List<String> chain, int depth, int count,
                             boolean operatorList, boolean joblib) throws TorchFileException {
        long at = start;
        for (int i = 0; i < count; i++) {
            PickleRater rater = new PickleRater(this, entry, chain, depth, operatorList, joblib);
            PickleFlow flow = new PickleFlow(file, entry, PickleLimits.DEFAULT);
            // torch.load's legacy path reads five pickles whatever opcode each starts with (the magic number
            // may be spelled any way pickle accepts). Past the first, a plain file's trailing bytes that do not
            // start a protocol 2+ pickle and do not parse are raw data, which no loader runs.
            boolean tentative = count == Integer.MAX_VALUE && i > 0 && bytes.get(at) != (byte) 0x80;
            try {
                at = flow.walk(bytes, at, rater);
            } catch (BudgetExceeded e) {
                throw new TorchFileException(file, entry, at, e.getMessage());
            } catch (TorchFileException e) {
                if (tentative) break;
                throw e;
            } finally {
                findings.addAll(rater.findings());
            }
            if (at >= bytes.size()) break;
            if (count == Integer.MAX_VALUE && i + 1 >= LEGACY_PICKLES && bytes.get(at) != (byte) 0x80) break;
        }
    }

    long scanOnePickle(ByteRegion bytes, long start, String entry, List<String> chain, int depth) throws TorchFileException {
        return scanOnePickle(bytes, start, entry, chain, depth, null, null);
    }

    long scanOnePickle(ByteRegion bytes, long start, String entry, List<String> chain, int depth, long[] count) throws TorchFileException {
        return scanOnePickle(bytes, start, entry, chain, depth, count, null);
    }

    /**
     * One pickle at {@code start}, rated; returns the offset past its STOP. {@code count}: the pickle
     * must be a plain integer (a record count), returned in count[0]. {@code storageClass}: receives
     * the last storage class the pickle names.
     */
    long scanOnePickle(ByteRegion bytes, long start, String entry, List<String> chain, int depth,
                       long[] count, String[] storageClass) throws TorchFileException {
        PickleRater rater = new PickleRater(this, entry, chain, depth, false, false);
        long end;
        try {
            end = new PickleFlow(file, entry, PickleLimits.DEFAULT).walk(bytes, start, rater);
        } catch (BudgetExceeded e) {
            throw new TorchFileException(file, entry, start, e.getMessage());
        } finally {
            findings.addAll(rater.findings());
        }
        if (storageClass != null) storageClass[0] = rater.lastStorageClass();
        if (count != null) {
            count[0] = PlainInt.read(bytes, start, end);
            if (count[0] < 0) throw new TorchFileException(file, entry, start, "the record count is not a plain non-negative integer pickle");
        }
        return end;
    }

    /** A .npy file: an object array is a pickle after the header; other arrays are plain numbers. */
    private void scanNpy(ByteRegion bytes, List<String> chain, int depth, String entry) throws TorchFileException {
        if (bytes.size() < 10) throw new TorchFileException(ErrorKind.TRUNCATED, file, entry, 0, "truncated .npy header");
        int major = bytes.get(6) & 0xff;
        long headerLength = major == 1 ? (bytes.get(8) & 0xff) | (bytes.get(9) & 0xff) << 8
                : (bytes.get(8) & 0xffL) | (bytes.get(9) & 0xffL) << 8 | (bytes.get(10) & 0xffL) << 16 | (bytes.get(11) & 0xffL) << 24;
        long start = (major == 1 ? 10 : 12) + headerLength;
        if (start > bytes.size() || headerLength > 1 << 20) throw new TorchFileException(file, entry, 8, "bad .npy header length " + headerLength);
        byte[] h = new byte[(int) headerLength];
        bytes.copyTo(major == 1 ? 10 : 12, h, 0, h.length);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        if (OBJECT_DESCR.matcher(header).find()) scanPickles(bytes, start, entry, chain, depth, 1, false, false);
    }

    /**
     * A dtype code numpy reads as holding Python objects, anywhere in the header (numpy.load unpickles
     * the data when any field has objects): 'O', '|O', 'O8', 'object', also inside a structured descr.
     */
    private static final java.util.regex.Pattern OBJECT_DESCR = java.util.regex.Pattern.compile(
            "['\"](?:[|<>=]?O\\d*|object\\d*|object_)['\"]");

    /** Torch's own records that hold no pickle: tensor data, version, byte order, serialization id. */
    private static final java.util.regex.Pattern RAW_RECORD = java.util.regex.Pattern.compile(
            "(?:.*/)?(?:data/\\d+|version|byteorder|\\.data/serialization_id|\\.data/version)");

    private void scanZip(ByteRegion bytes, List<String> chain, int depth) throws TorchFileException {
        String where = label(chain, null);
        List<ZipArchive.Entry> all = ZipArchive.directory(where, bytes);
        ZipArchive zip = ZipArchive.openAll(where, bytes, limits.maxPayloadBytes());
        Map<String, String> folded = new HashMap<>();
        for (ZipArchive.Entry e : all) {
            if (e.name().endsWith("/")) continue;
            String other = folded.putIfAbsent(ZipArchive.fold(e.name()), e.name());
            if (other != null) {
                findings.add(new Finding(e.name(), Use.ARCHIVE, Severity.DANGEROUS, e.name(), -1, with(chain, e.name()),
                        other.equals(e.name()) ? "two entries of this name: readers may pick either (PyTorch and this scan could see different pickles)"
                                : "differs from entry " + other + " only in letter case: PyTorch finds records case-insensitively and may read either"));
            }
            String local;
            try {
                local = zip.localName(e);
            } catch (TorchFileException ex) {
                fail(ex);
                continue;
            }
            if (!local.equals(e.name())) {
                findings.add(new Finding(e.name(), Use.ARCHIVE, Severity.DANGEROUS, e.name(), e.localHeaderOffset(),
                        with(chain, e.name()), "the local header names it " + local + ": readers that trust local headers see another archive"));
            }
        }
        Pt2ScanPlan pt2 = Pt2Archive.scanPlan(zip);
        // Entries of a central directory may all point at one local record: each record is read once.
        java.util.Set<Long> records = new java.util.HashSet<>();
        for (ZipArchive.Entry e : all) {
            if (e.name().endsWith("/")) continue;
            if (!records.add(e.localHeaderOffset())) continue;
            String lower = ZipArchive.fold(e.name());
            List<String> inner = with(chain, e.name());
            boolean pickle = lower.endsWith(".pkl") || lower.endsWith(".debug_pkl") || lower.endsWith(".pickle");
            boolean code = lower.endsWith(".py") && (lower.startsWith("code/") || lower.contains("/code/"));
            boolean nested = lower.endsWith(".pt") || lower.endsWith(".pth") || lower.endsWith(".ckpt") || lower.endsWith(".ptl")
                    || lower.endsWith(".npy") || lower.endsWith(".joblib") || lower.endsWith(".zip") || lower.endsWith(".bin")
                    && !lower.contains("/data/");
            if (pt2 != null) {
                // A .pt2 loader unpickles payloads whatever their names (weight_0, opaque_obj_0) and maps AOTInductor code.
                Pt2ScanPlan.EntryKind kind = pt2.kind(e.name());
                if (kind == Pt2ScanPlan.EntryKind.NATIVE_CODE) {
                    findings.add(new Finding(e.name(), Use.LOADS, Severity.DANGEROUS, e.name(), -1, inner,
                            "AOTInductor compiled code: torch._inductor.aoti_load_package loads and runs it"));
                }
                pickle = false;
                code = false;
                nested = kind == Pt2ScanPlan.EntryKind.PAYLOAD;
            }
            boolean probe = pt2 == null && !pickle && !code && !nested && !RAW_RECORD.matcher(lower).matches();
            if (!pickle && !code && !nested && !probe) continue;
            ByteRegion data;
            try {
                data = zip.read(e);
                // numpy.load reads an .npz member by its magic, whatever its name.
                if (probe && !startsWith(data, NPY_MAGIC)) continue;
                // Stored members are read in place; only inflated ones cost their size in memory.
                if (nested || probe) chargeWork(e.name(), e.method() == 0 || probe ? 0 : data.size());
            } catch (TorchFileException ex) {
                fail(ex);
                continue;
            }
            try {
                if (pickle) {
                    scanPickles(data, 0, e.name(), inner, depth, 1, lower.endsWith("bytecode.pkl"), false);
                } else if (code) {
                    if (data.size() > limits.maxPayloadBytes()) throw new TorchFileException(ErrorKind.LIMIT, file, e.name(), 0, "script source too large to scan");
                    byte[] b = new byte[(int) data.size()];
                    data.copyTo(0, b, 0, b.length);
                    findings.addAll(ScriptOps.scanSource(new String(b, StandardCharsets.UTF_8), e.name(), inner));
                } else if (depth < limits.maxDepth()) {
                    scanContainer(data, inner, depth + 1, e.name());
                } else {
                    fail(new TorchFileException(file, e.name(), 0, "archives nested more than " + limits.maxDepth()
                            + " deep (limit): not scanned"));
                }
            } catch (TorchFileException ex) {
                fail(ex);
            }
        }
    }

    private static List<String> with(List<String> chain, String link) {
        List<String> out = new ArrayList<>(chain);
        out.add(link);
        return out;
    }

    private String label(List<String> chain, String entry) {
        if (chain.isEmpty()) return file;
        return file + " (" + String.join(" -> ", chain) + ")";
    }

    private static boolean startsWith(ByteRegion b, byte[] magic) {
        if (b.size() < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if (b.get(i) != magic[i]) return false;
        return true;
    }
}
