package io.pairdb.core.node;

/** Parses IPv4 and IPv6 literals without any name lookup (which {@code InetAddress.getByName} may do). */
final class IpLiterals {
    private IpLiterals() {
    }

    /** The address's bytes (4 or 16), or null when {@code text} is not an IP literal. */
    static byte[] parse(String text) {
        if (text.contains(":")) {
            return v6(text);
        }
        return v4(text);
    }

    private static byte[] v4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}")) {
                return null;
            }
            int value = Integer.parseInt(parts[i]);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] v6(String text) {
        int zone = text.indexOf('%');
        String address = zone < 0 ? text : text.substring(0, zone);
        byte[] tail4 = null;
        int lastColon = address.lastIndexOf(':');
        if (address.indexOf('.', lastColon) > 0) {
            tail4 = v4(address.substring(lastColon + 1));
            if (tail4 == null) {
                return null;
            }
            address = address.substring(0, lastColon + 1) + "0:0";
        }
        int gap = address.indexOf("::");
        if (gap != address.lastIndexOf("::")) {
            return null;
        }
        String[] head = gap < 0 ? address.split(":", -1) : split(address.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : split(address.substring(gap + 2));
        int groups = head.length + tail.length;
        if ((gap < 0 && groups != 8) || (gap >= 0 && groups > 7)) {
            return null;
        }
        byte[] bytes = new byte[16];
        if (!fill(bytes, head, 0) || !fill(bytes, tail, 8 - tail.length)) {
            return null;
        }
        if (tail4 != null) {
            System.arraycopy(tail4, 0, bytes, 12, 4);
        }
        return bytes;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static boolean fill(byte[] bytes, String[] groups, int from) {
        for (int i = 0; i < groups.length; i++) {
            if (!groups[i].matches("[0-9a-f]{1,4}")) {
                return false;
            }
            int value = Integer.parseInt(groups[i], 16);
            bytes[(from + i) * 2] = (byte) (value >> 8);
            bytes[(from + i) * 2 + 1] = (byte) value;
        }
        return true;
    }
}
