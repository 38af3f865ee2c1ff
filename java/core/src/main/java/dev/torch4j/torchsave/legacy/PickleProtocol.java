package dev.torch4j.torchsave.legacy;

import dev.torch4j.io.ByteRegion;

/** The protocol a pickle declares: its PROTO opcode, or "0/1" for the text-era protocols without one. */
public final class PickleProtocol {
    private PickleProtocol() {}

    public static Object of(ByteRegion pickle) {
        return of(pickle, 0);
    }

    public static Object of(ByteRegion pickle, long start) {
        if (pickle.size() >= start + 2 && (pickle.get(start) & 0xff) == 0x80) return (long) (pickle.get(start + 1) & 0xff);
        return "0/1";
    }
}
