package dev.torch4j.pickle;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every fixture loads to exactly what Python's unpickler made of the same bytes (expected.tsv). */
class PickleFixturesTest {
    @TestFactory
    Stream<DynamicTest> loadsMatchPython() {
        List<String[]> rows = PickleFixtures.table("expected.tsv");
        return rows.stream().map(row -> DynamicTest.dynamicTest(row[0], () -> {
            String actual = Canonical.of(PickleFixtures.load(row[0]));
            if (!row[1].equals(actual)) assertEquals(around(row[1], actual), around(actual, row[1]), row[0]);
        }));
    }

    /** The part of {@code a} around its first difference from {@code b}: long forms stay readable. */
    private static String around(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) i++;
        return "..." + a.substring(Math.max(0, i - 80), Math.min(a.length(), i + 120)) + "...";
    }
}
