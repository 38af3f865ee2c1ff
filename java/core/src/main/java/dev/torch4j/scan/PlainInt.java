package dev.torch4j.scan;

import dev.torch4j.io.ByteRegion;

/**
 * The value of a pickle that is nothing but a small non-negative integer (a legacy tar's record
 * counts): PROTO and FRAME, one of BININT1, BININT2, BININT, INT or LONG1, an optional memo PUT,
 * STOP. Anything else is -1: the caller cannot know how many records follow.
 */
final class PlainInt {
    private PlainInt() {}

    static long read(ByteRegion b, long start, long end) {
        long p = start;
        if (p < end && (b.get(p) & 0xff) == 0x80) p += 2;
        if (p < end && (b.get(p) & 0xff) == 0x95) p += 9;
        if (p >= end) return -1;
        int op = b.get(p++) & 0xff;
        long v;
        switch (op) {
            case 'K' -> v = b.get(p++) & 0xff;
            case 'M' -> { v = (b.get(p) & 0xff) | (b.get(p + 1) & 0xff) << 8; p += 2; }
            case 'J' -> { v = (b.get(p) & 0xffL) | (b.get(p + 1) & 0xffL) << 8 | (b.get(p + 2) & 0xffL) << 16 | (long) b.get(p + 3) << 24; p += 4; }
            case 'I', 'L' -> {
                v = 0;
                int digits = 0;
                while (p < end && b.get(p) >= '0' && b.get(p) <= '9' && digits < 12) { v = v * 10 + (b.get(p++) - '0'); digits++; }
                if (digits == 0) return -1;
                if (p < end && b.get(p) == 'L') p++;
                if (p >= end || b.get(p++) != '\n') return -1;
            }
            case 0x8a -> {
                int n = b.get(p++) & 0xff;
                if (n > 7) return -1;
                v = 0;
                for (int i = n - 1; i >= 0; i--) v = v << 8 | (b.get(p + i) & 0xff);
                if (n > 0 && (b.get(p + n - 1) & 0x80) != 0) return -1;
                p += n;
            }
            default -> { return -1; }
        }
        if (p < end && (b.get(p) == 'q')) p += 2;
        else if (p < end && (b.get(p) & 0xff) == 0x94) p++;
        else if (p < end && b.get(p) == 'p') { while (p < end && b.get(p) != '\n') p++; p++; }
        return p == end - 1 && b.get(p) == '.' ? v : -1;
    }
}
