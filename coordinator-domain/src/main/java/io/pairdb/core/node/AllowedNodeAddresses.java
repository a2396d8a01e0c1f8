package io.pairdb.core.node;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The addresses a storage node may be added at: IP ranges in CIDR notation ({@code 10.0.0.0/8},
 * {@code fd00::/8}), DNS suffixes ({@code .svc.cluster.local}, which allows every name ending in
 * it) or exact host names, and {@code *} for any address. A host given as an IP literal is checked
 * against the ranges, a name against the suffixes and names; names are never resolved here, so
 * a name is allowed only by a name entry. An empty list allows nothing.
 */
public final class AllowedNodeAddresses {

    private sealed interface Entry {
        boolean allows(String host, byte[] literal);
    }

    private record Any() implements Entry {
        @Override
        public boolean allows(String host, byte[] literal) {
            return true;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    private record Range(byte[] network, int prefix, String text) implements Entry {
        @Override
        public boolean allows(String host, byte[] literal) {
            if (literal == null || literal.length != network.length) {
                return false;
            }
            int bits = network.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, literal).and(mask).equals(new BigInteger(1, network).and(mask));
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private record Name(String name) implements Entry {
        @Override
        public boolean allows(String host, byte[] literal) {
            if (literal != null) {
                return false;
            }
            return name.startsWith(".") ? host.endsWith(name) && host.length() > name.length() : host.equals(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Entry> entries;

    private AllowedNodeAddresses(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Every address. */
    public static AllowedNodeAddresses any() {
        return new AllowedNodeAddresses(List.of(new Any()));
    }

    /**
     * @param entries CIDR ranges, DNS suffixes (leading dot), host names or {@code *}; blanks are skipped
     * @throws IllegalArgumentException naming the first entry that is none of these
     */
    public static AllowedNodeAddresses parse(List<String> entries) {
        Objects.requireNonNull(entries, "entries");
        List<Entry> parsed = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                parsed.add(new Any());
            } else if (entry.contains("/")) {
                parsed.add(range(entry));
            } else if (IpLiterals.parse(entry) != null) {
                byte[] address = IpLiterals.parse(entry);
                parsed.add(new Range(address, address.length * 8, entry));
            } else if (validName(entry.startsWith(".") ? entry.substring(1) : entry)) {
                parsed.add(new Name(entry));
            } else {
                throw new IllegalArgumentException("'" + raw + "' is neither a CIDR range (10.0.0.0/8), a DNS suffix"
                        + " (.svc.cluster.local), a host name nor *");
            }
        }
        return new AllowedNodeAddresses(parsed);
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        byte[] network = IpLiterals.parse(entry.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (network == null || prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("'" + entry + "' is not a CIDR range such as 10.0.0.0/8 or fd00::/8");
        }
        return new Range(network, prefix, entry);
    }

    private static boolean validName(String name) {
        return !name.isEmpty() && name.length() <= 253 && name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    }

    /** Whether a node may be added at {@code host} (an IP literal, IPv6 with or without brackets, or a name). */
    public boolean allows(String host) {
        Objects.requireNonNull(host, "host");
        String normalized = host.strip().toLowerCase(Locale.ROOT);
        if (normalized.startsWith("[") && normalized.endsWith("]")) {
            normalized = normalized.substring(1, normalized.length() - 1);
        }
        if (normalized.endsWith(".")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        byte[] literal = IpLiterals.parse(normalized);
        for (Entry entry : entries) {
            if (entry.allows(normalized, literal)) {
                return true;
            }
        }
        return false;
    }

    /** The entries as configured, for messages: {@code 127.0.0.0/8, .svc.cluster.local}, or {@code nothing}. */
    public String describe() {
        return entries.isEmpty() ? "nothing" : String.join(", ", entries.stream().map(Object::toString).toList());
    }

    @Override
    public String toString() {
        return "AllowedNodeAddresses[" + describe() + "]";
    }
}
