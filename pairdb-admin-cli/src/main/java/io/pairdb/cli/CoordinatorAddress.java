package io.pairdb.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A coordinator's {@code host:port}; IPv6 hosts are written in brackets ({@code [::1]:50051}). */
public record CoordinatorAddress(String host, int port) {

    public static final CoordinatorAddress DEFAULT = new CoordinatorAddress("localhost", 50051);

    public CoordinatorAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the port must be between 1 and 65535, not " + port);
        }
        if (!isHostName(host)) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address (a name has letters,"
                    + " digits, '-' and '.', no '_')");
        }
    }

    /** Whether gRPC can connect to {@code host} and check a certificate against it: a DNS name or an IP address. */
    public static boolean isHostName(String host) {
        String authority = host.contains(":") ? "[" + host + "]" : host;
        try {
            return new URI(null, authority, null, null, null).getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException with a message fit for the user when it is not one
     */
    public static CoordinatorAddress parse(String text) {
        String trimmed = text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (write IPv6 hosts in brackets: [::1]:50051)");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (the port is not a number)");
        }
        return new CoordinatorAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Lets picocli report a malformed {@code --addr} as a usage error. */
    public static final class Converter implements ITypeConverter<CoordinatorAddress> {
        @Override
        public CoordinatorAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
