package io.pairdb.core;

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
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
