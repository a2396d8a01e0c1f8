package io.pairdb.adapters.runtime;

/**
 * Makes text a client chose (tenant ids, keys, error messages that quote them) safe to put in a
 * log line: control characters are escaped, so a CR or LF cannot start a forged line in the text
 * format, and long text is cut, so a client cannot flood the log with megabyte keys.
 */
public final class LogText {
    /** The most characters of a client's identifier (tenant id, key, target) a log line shows. */
    public static final int IDENTIFIER = 128;
    /** The most characters of a message (an error description) a log line shows. */
    public static final int MESSAGE = 1024;

    private LogText() {
    }

    /**
     * {@code text} with every ISO control character and line or paragraph separator escaped
     * ({@code \n}, {@code \r}, {@code \t}, else {@code \\uXXXX}) and, when longer than
     * {@code max} characters, cut to them followed by {@code …(N more)}; null stays null.
     */
    public static String safe(String text, int max) {
        if (text == null) {
            return null;
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        int shown = Math.min(text.length(), max);
        if (shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
            shown--;
        }
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (shown < text.length()) {
            out.append("…(").append(text.length() - shown).append(" more)");
        }
        return out.toString();
    }

    /** {@link #safe(String, int)} for an identifier. */
    public static String identifier(String text) {
        return safe(text, IDENTIFIER);
    }

    /** {@link #safe(String, int)} for a message. */
    public static String message(String text) {
        return safe(text, MESSAGE);
    }
}
