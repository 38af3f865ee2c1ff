package dev.torch4j.scan;

import java.util.List;

/**
 * One reported global or construct.
 *
 * @param global  {@code module.qualname} (or an operator name, or a description for structures)
 * @param use     how the file uses it
 * @param severity dangerous or unknown
 * @param entry   the zip entry holding the pickle or script (null for a plain or legacy file)
 * @param offset  byte offset of the opcode (or source position) within that entry or file; -1 when none
 * @param chain   where the pickle is, outermost first: entries and nested payloads
 *                ({@code [archive/data.pkl, torch.storage._load_from_bytes payload, archive/data.pkl]})
 * @param reason  why it is rated so, in a few words
 */
public record Finding(String global, Use use, Severity severity, String entry, long offset, List<String> chain, String reason) {
    public Finding {
        chain = List.copyOf(chain);
    }

    /** The chain joined by arrows, or the entry alone. */
    public String chainText() {
        return String.join(" -> ", chain);
    }
}
