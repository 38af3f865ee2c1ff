package dev.torch4j.convert;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as Hugging Face writes them: {@code 2GB} and {@code 500MB} are decimal, {@code 2GiB} binary. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?i?b?)");

    private ByteSize() {}

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("not a size: '" + text + "' (e.g. 2GB, 500MB, 10GiB)");
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        boolean binary = unit.contains("i");
        int power = unit.isEmpty() || unit.equals("b") ? 0 : "kmgt".indexOf(unit.charAt(0)) + 1;
        double bytes = n * Math.pow(binary ? 1024 : 1000, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) throw new IllegalArgumentException("size out of range: '" + text + "'");
        return (long) bytes;
    }
}
