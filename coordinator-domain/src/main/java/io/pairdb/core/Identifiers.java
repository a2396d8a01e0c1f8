package io.pairdb.core;

import java.util.function.IntPredicate;

/**
 * The one grammar of PairDB's plain identifiers (tenants, nodes, coordinators, changes, API key names):
 * 1 to a maximum number of characters of {@code [A-Za-z0-9._-]}. Checked by hand rather than with a regular
 * expression because some of them are checked on every call (a tenant id in every request, the coordinator ids
 * of a causal context), where the matcher was among the coordinator's largest costs of its own.
 */
public final class Identifiers {
    private Identifiers() {
    }

    /** Whether {@code value} is 1 to {@code maxLength} characters of letters, digits, '.', '_' or '-'. */
    public static boolean isPlainName(String value, int maxLength) {
        return consistsOf(value, 1, maxLength, c -> isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
    }

    /**
     * Whether {@code value} is {@code minLength} to {@code maxLength} characters, each of them {@code allowed}: the
     * check behind every identifier and token grammar of PairDB (a loop, not a regular expression).
     */
    public static boolean consistsOf(String value, int minLength, int maxLength, IntPredicate allowed) {
        if (value == null || value.length() < minLength || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!allowed.test(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A-Z, a-z or 0-9. */
    public static boolean isAsciiLetterOrDigit(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
