package io.pairdb.cli;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
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
}
