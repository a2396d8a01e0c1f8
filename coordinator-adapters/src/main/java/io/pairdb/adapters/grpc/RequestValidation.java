package io.pairdb.adapters.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Checks request fields at the boundary; every rejection names the field and the rule. */
final class RequestValidation {
    private RequestValidation() {
    }

    static TenantId tenant(String tenantId) {
        if (tenantId.isEmpty()) {
            throw GrpcErrors.invalid("INVALID_TENANT_ID", "tenant_id is required");
        }
        if (!TenantId.isValid(tenantId)) {
            throw GrpcErrors.invalid("INVALID_TENANT_ID",
                    "tenant_id must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        return new TenantId(tenantId);
    }

    static String key(String key) {
        if (key.isEmpty()) {
            throw GrpcErrors.invalid("INVALID_KEY", "key is required");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > CoordinatorSettings.MAX_KEY_BYTES) {
            throw GrpcErrors.invalid("INVALID_KEY",
                    "key is " + bytes + " bytes; the limit is " + CoordinatorSettings.MAX_KEY_BYTES + " bytes");
        }
        return key;
    }

    static ConsistencyLevel consistency(String text, ConsistencyLevel defaultLevel) {
        if (text.isEmpty()) {
            return defaultLevel;
        }
        return ConsistencyLevel.parse(text).orElseThrow(() -> GrpcErrors.invalid("INVALID_CONSISTENCY",
                "consistency must be one of one, quorum, all; was '" + text + "'"));
    }

    static byte[] value(com.google.protobuf.ByteString value, int maxBytes) {
        if (value.size() > maxBytes) {
            throw GrpcErrors.error(Status.Code.RESOURCE_EXHAUSTED, "VALUE_TOO_LARGE",
                    "value is " + value.size() + " bytes; the limit is " + maxBytes + " bytes");
        }
        return value.toByteArray();
    }

    static Optional<String> idempotencyKey(String key) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        if (key.length() > IdempotencyKey.MAX_TOKEN_LENGTH) {
            throw GrpcErrors.invalid("INVALID_IDEMPOTENCY_KEY",
                    "idempotency_key must be at most " + IdempotencyKey.MAX_TOKEN_LENGTH + " characters");
        }
        return Optional.of(key);
    }

    /** The time the client still grants this call, if it set a deadline. */
    static Optional<Duration> clientDeadline() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? Optional.empty()
                : Optional.of(Duration.ofMillis(Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS))));
    }

    static boolean isRejection(Throwable t) {
        return t instanceof StatusRuntimeException;
    }
}
