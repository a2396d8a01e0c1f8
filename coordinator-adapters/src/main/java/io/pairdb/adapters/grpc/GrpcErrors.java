package io.pairdb.adapters.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;

/**
 * Builds the errors clients see: a gRPC status code, a message a person can act on, and a
 * {@code google.rpc.ErrorInfo} whose reason names the failure (the seed's error names).
 */
public final class GrpcErrors {
    public static final String DOMAIN = "pairdb.io";
    /**
     * Longest message and ErrorInfo metadata value a client is sent, in bytes of the header that
     * carries it: the message is percent-encoded there (a character outside printable ASCII takes
     * three bytes per byte of its UTF-8 form, up to 12). Messages quote what the client sent (a
     * tenant id, a key, a change id); uncut, a huge one made the trailers larger than a client
     * accepts (grpc-java: 8 KiB), and the client saw INTERNAL instead of the answer.
     */
    static final int MAX_MESSAGE_BYTES = 1024;
    static final int MAX_METADATA_BYTES = 256;

    private GrpcErrors() {
    }

    public static StatusRuntimeException error(Status.Code code, String reason, String message) {
        return error(code, reason, message, Map.of());
    }

    public static StatusRuntimeException error(Status.Code code, String reason, String message,
                                               Map<String, String> metadata) {
        ErrorInfo info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).putAllMetadata(cut(metadata)).build();
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.forNumber(code.value()).getNumber())
                .setMessage(cut(message, MAX_MESSAGE_BYTES))
                .addDetails(Any.pack(info))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** An ABORTED error that tells the client when to retry. */
    public static StatusRuntimeException retryLater(String reason, String message, java.time.Duration after) {
        return retryLater(Status.Code.ABORTED, reason, message, Map.of(), after);
    }

    /**
     * An error with a {@code google.rpc.RetryInfo} besides its {@code ErrorInfo}: the client may
     * try again after {@code after}.
     */
    public static StatusRuntimeException retryLater(Status.Code code, String reason, String message,
                                                    Map<String, String> metadata, java.time.Duration after) {
        ErrorInfo info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).putAllMetadata(cut(metadata)).build();
        RetryInfo retry = RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder()
                .setSeconds(after.toSeconds()).setNanos(after.toNanosPart())).build();
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.forNumber(code.value()).getNumber())
                .setMessage(cut(message, MAX_MESSAGE_BYTES))
                .addDetails(Any.pack(info))
                .addDetails(Any.pack(retry))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    public static StatusRuntimeException invalid(String reason, String message) {
        return error(Status.Code.INVALID_ARGUMENT, reason, message);
    }

    private static Map<String, String> cut(Map<String, String> metadata) {
        Map<String, String> cut = new java.util.LinkedHashMap<>();
        metadata.forEach((k, v) -> cut.put(cut(k, MAX_METADATA_BYTES), cut(v, MAX_METADATA_BYTES)));
        return cut;
    }

    /**
     * {@code text} if it takes at most {@code maxBytes} percent-encoded, else as much of its start as
     * fits with a note of how much was cut (never half a character).
     */
    static String cut(String text, int maxBytes) {
        if (text == null || encodedLength(text) <= maxBytes) {
            return text;
        }
        String tail = "... (cut from " + text.length() + " characters)";
        int budget = maxBytes - tail.length();
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            budget -= encodedLength(codePoint);
            if (budget < 0) {
                break;
            }
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end) + tail;
    }

    /** Bytes of {@code text} percent-encoded as gRPC encodes a status message. */
    static int encodedLength(String text) {
        return text.codePoints().map(GrpcErrors::encodedLength).sum();
    }

    private static int encodedLength(int codePoint) {
        // grpc-java escapes every byte below ' ', from '~' up, and '%'
        if (codePoint >= ' ' && codePoint < '~' && codePoint != '%') {
            return 1;
        }
        int utf8 = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        return 3 * utf8;
    }
}
