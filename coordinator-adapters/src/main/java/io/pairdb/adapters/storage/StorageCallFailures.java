package io.pairdb.adapters.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.WritesRefusedException;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The one place a failed call to a storage node becomes the core's {@link PairDbException}: what
 * was asked of which node, the gRPC status, and for a failed TLS handshake what went wrong and
 * which setting to look at, since gRPC reports every handshake failure as {@code UNAVAILABLE}
 * with the details only in the exception's causes.
 */
final class StorageCallFailures {
    // Netty appends a hex dump of bytes it could not read; the message is for a person
    private static final Pattern HEX_DUMP = Pattern.compile(":\\s*\\p{XDigit}{16,}$");
    /** The ErrorInfo domain of a PairDB storage node's refusals (storage-server's Protos). */
    private static final String NODE_DOMAIN = "pairdb.io";

    private StorageCallFailures() {
    }

    static PairDbException failure(StorageNode node, String what, Throwable error) {
        Status status = Status.fromThrowable(error);
        String detail = handshakeFailure(error).orElseGet(() -> status.getDescription() != null
                ? status.getDescription() : String.valueOf(error.getMessage()));
        String message = what + " on storage node " + node.id() + " (" + node.address() + ") failed: " + status.getCode()
                + " " + detail;
        Optional<String> refusal = status.getCode() == Status.Code.RESOURCE_EXHAUSTED ? reason(error) : Optional.empty();
        if (refusal.isPresent()) {
            return new WritesRefusedException("node " + node.id(), refusal.get(), message, error);
        }
        return new PairDbException("node " + node.id(), message, error);
    }

    /**
     * The {@code ErrorInfo} reason of a node's answer: a node that refuses writes for now (its disk is
     * full) says why; gRPC's own {@code RESOURCE_EXHAUSTED} (a message too large) carries none.
     */
    private static Optional<String> reason(Throwable error) {
        com.google.rpc.Status details = StatusProto.fromThrowable(error);
        if (details == null) {
            return Optional.empty();
        }
        return details.getDetailsList().stream().filter(d -> d.is(ErrorInfo.class)).findFirst().flatMap(d -> {
            try {
                ErrorInfo info = d.unpack(ErrorInfo.class);
                return Optional.of(info.getReason()).filter(r -> !r.isBlank() && NODE_DOMAIN.equals(info.getDomain()));
            } catch (InvalidProtocolBufferException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<String> handshakeFailure(Throwable error) {
        SSLException tls = null;
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (tls == null && cause instanceof SSLException ssl) {
                tls = ssl;
            }
            messages.append(cause.getMessage()).append('\n');
        }
        if (tls == null) {
            return Optional.empty();
        }
        String problem = HEX_DUMP.matcher(String.valueOf(tls.getMessage()).strip()).replaceAll("");
        return Optional.of("TLS handshake with the node failed: " + problem + " (" + hint(messages.toString()) + ")");
    }

    private static String hint(String messages) {
        if (messages.contains("not an SSL/TLS record")) {
            return "does the node serve TLS (--tls-cert)? with pairdb.storage-nodes.tls-ca-file set, every node must";
        }
        if (messages.contains("subject alternative") || messages.contains("No name matching")
                || messages.contains("hostname") || messages.contains("host name")) {
            return "its certificate does not name the address it was added at";
        }
        if (messages.contains("PKIX") || messages.contains("certification path") || messages.contains("unable to find valid")) {
            return "its certificate is not signed by a CA in pairdb.storage-nodes.tls-ca-file";
        }
        return "does the node require a client certificate (--tls-client-ca) that pairdb.storage-nodes.tls-cert-file"
                + " does not give or its CA does not sign?";
    }
}
