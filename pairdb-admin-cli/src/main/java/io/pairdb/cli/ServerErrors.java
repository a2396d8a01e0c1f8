package io.pairdb.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns a gRPC error into the one line a user reads: {@code CODE: description (REASON)},
 * where the reason comes from the {@code google.rpc.ErrorInfo} detail the coordinator attaches.
 * Failures that never reached the coordinator get a hint about the address instead.
 */
public final class ServerErrors {

    private ServerErrors() {
    }

    /**
     * @param endpoint where the failed call went, when known
     */
    public static String describe(StatusRuntimeException error, Optional<Endpoint> endpoint) {
        Status status = error.getStatus();
        Optional<String> reason = reason(error);
        String where = endpoint.map(e -> e.address().toString()).orElse("the configured address");
        if (reason.isEmpty() && status.getCode() == Status.Code.UNAVAILABLE) {
            if (causedBy(error, UnknownHostException.class) || causedBy(error, UnresolvedAddressException.class)) {
                return "cannot reach the coordinator at " + where + ": unknown host (set --addr or " + CommonOptions.ADDRESS_VARIABLE + ")";
            }
            Optional<SSLException> tlsFailure = cause(error, SSLException.class);
            if (tlsFailure.isPresent()) {
                // Netty appends a hex dump of the bytes it could not read; the line is for a person.
                String problem = String.valueOf(tlsFailure.get().getMessage()).replaceAll(":\\s*\\p{XDigit}{16,}$", "");
                return "TLS handshake with the coordinator at " + where + " failed: " + problem + " ("
                        + tlsHint(causes(tlsFailure.get())) + ")";
            }
            if (endpoint.isPresent() && !endpoint.get().tls() && closedWithoutAnswer(error)) {
                // a TLS server drops a plaintext client's first bytes without a word; gRPC cannot tell why
                return "the coordinator at " + where + " closed the connection without answering: does it serve TLS?"
                        + " then drop --plaintext (and give --ca-cert if a private CA signed its certificate)";
            }
            if (causedBy(error, ConnectException.class)) {
                return "cannot reach the coordinator at " + where + " (is it running? set --addr or " + CommonOptions.ADDRESS_VARIABLE + ")";
            }
        }
        if (reason.isEmpty() && status.getCode() == Status.Code.DEADLINE_EXCEEDED && endpoint.isPresent()) {
            // The client-side deadline's own description lists channel internals; say what it means instead.
            return "DEADLINE_EXCEEDED: no answer from the coordinator at " + where + " within "
                    + TimeoutConverter.format(endpoint.get().timeout()) + " (raise --timeout?)";
        }
        StringBuilder line = new StringBuilder(status.getCode().name());
        String description = status.getDescription();
        if (description != null && !description.isBlank()) {
            line.append(": ").append(description.strip().replaceAll("\\s*\\R\\s*", " "));
        }
        reason.ifPresent(r -> line.append(" (").append(r).append(')'));
        if (reason.filter("CREDENTIALS_REQUIRED"::equals).isPresent()) {
            line.append("; give an API key with --token-file or $").append(CommonOptions.TOKEN_VARIABLE)
                    .append(", or a client certificate with --cert and --key");
        }
        return line.toString();
    }

    private static boolean closedWithoutAnswer(StatusRuntimeException error) {
        String description = String.valueOf(error.getStatus().getDescription());
        return description.contains("Network closed for unknown reason")
                || causes(error).contains("Connection reset by peer");
    }

    private static String tlsHint(String problem) {
        if (problem.contains("not an SSL/TLS record")) {
            return "does it serve TLS? for a coordinator without TLS add --plaintext";
        }
        if (problem.contains("PKIX") || problem.contains("certification path") || problem.contains("subject alternative")
                || problem.contains("No name matching")) {
            return "is its certificate signed by a CA you trust (--ca-cert) and made out to the name you use"
                    + " (--server-name)?";
        }
        return "does it require a client certificate (--cert and --key) that it trusts?";
    }

    /** The {@code ErrorInfo} reason the coordinator gave, if any. */
    public static Optional<String> reason(StatusRuntimeException error) {
        return detail(error, ErrorInfo.class).map(ErrorInfo::getReason).filter(reason -> !reason.isBlank());
    }

    /**
     * The delay the server asked for before a retry ({@code google.rpc.RetryInfo}), if it sent one
     * that is not negative.
     */
    public static Optional<Duration> retryDelay(Throwable error) {
        return detail(error, RetryInfo.class)
                .filter(RetryInfo::hasRetryDelay)
                .map(info -> Duration.ofSeconds(info.getRetryDelay().getSeconds(), info.getRetryDelay().getNanos()))
                .filter(delay -> !delay.isNegative());
    }

    /** The first detail of this type in the error's {@code google.rpc.Status}. */
    private static <T extends Message> Optional<T> detail(Throwable error, Class<T> type) {
        com.google.rpc.Status details = StatusProto.fromThrowable(error);
        if (details == null) {
            return Optional.empty();
        }
        for (Any detail : details.getDetailsList()) {
            if (detail.is(type)) {
                try {
                    return Optional.of(detail.unpack(type));
                } catch (InvalidProtocolBufferException e) {
                    // A garbled detail must not hide the status itself; the line goes without it.
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The messages of the exception and all its causes: OpenSSL wraps the telling one in a general one. */
    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            text.append(cause.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        return cause(error, type).isPresent();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
