package dev.torch4j.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both JSON sinks print longs through {@link Decimal}; the JDK's {@code Long.toString} is the reference. */
class DecimalTest {
    @Test
    void writesWhatLongToStringWrites() {
        SplittableRandom random = new SplittableRandom(7);
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};
        for (long v : edges) check(v);
        for (int i = 0; i < 20_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            check(v);
        }
    }

    private static void check(long v) {
        byte[] buf = new byte[3 + Decimal.MAX_BYTES];
        buf[0] = 'x';
        int end = Decimal.write(v, buf, 3);
        assertEquals(Long.toString(v), new String(buf, 3, end - 3, StandardCharsets.US_ASCII), "value " + v);
        assertEquals('x', buf[0], "nothing written before the offset");
    }
}
