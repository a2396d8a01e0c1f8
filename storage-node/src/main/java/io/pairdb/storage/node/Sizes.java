package io.pairdb.storage.node;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as operators write them: {@code 256MiB}, {@code 1GiB}, {@code 512KiB}, {@code 1000000}. */
final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|k|kb|mib|m|mb|gib|g|gb|tib|t|tb)");

    private Sizes() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size like 512MiB, 2GiB or 1048576");
        }
        long amount = Long.parseLong(matcher.group(1));
        long unit = switch (matcher.group(2)) {
            case "", "b" -> 1L;
            case "kib", "k", "kb" -> 1L << 10;
            case "mib", "m", "mb" -> 1L << 20;
            case "gib", "g", "gb" -> 1L << 30;
            default -> 1L << 40;
        };
        return Math.multiplyExact(amount, unit);
    }

    static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
