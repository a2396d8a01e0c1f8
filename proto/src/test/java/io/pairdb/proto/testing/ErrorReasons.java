package io.pairdb.proto.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.protobuf.StatusProto;

/** What tests read from a failed call: the reason the coordinator or a storage node gave. */
public final class ErrorReasons {
    private ErrorReasons() {
    }

    /** The {@code google.rpc.ErrorInfo} reason the failure carries, or null when it carries none. */
    public static String reason(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        return status == null ? null : reason(status);
    }

    /** The {@code google.rpc.ErrorInfo} reason among the status's details, or null when there is none. */
    public static String reason(com.google.rpc.Status status) {
        return errorInfo(status) == null ? null : errorInfo(status).getReason();
    }

    /** The failure's {@code google.rpc.ErrorInfo}, or null when it carries none. */
    public static ErrorInfo errorInfo(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        return status == null ? null : errorInfo(status);
    }

    /** The status's {@code google.rpc.ErrorInfo}, or null when it has none. */
    public static ErrorInfo errorInfo(com.google.rpc.Status status) {
        for (var detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class);
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("an ErrorInfo detail that does not parse", e);
                }
            }
        }
        return null;
    }
}
