package io.pairdb.cli;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Errors shaped the way the coordinator sends them: a status with an ErrorInfo detail. */
final class ServerError {

    private ServerError() {
    }

    static StatusRuntimeException withReason(Status.Code code, String message, String reason) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain("pairdb.io").build()))
                .build());
    }

    /** Such an error that also asks for a retry after {@code seconds} and {@code nanos}. */
    static StatusRuntimeException retryAfter(Status.Code code, String reason, long seconds, int nanos) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage("try later")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain("pairdb.io").build()))
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos))
                        .build()))
                .build());
    }
}
