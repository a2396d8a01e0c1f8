package io.pairdb.adapters.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.Identifiers;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Checks request fields at the boundary; every rejection names the field and the rule. */
final class RequestValidation {
    /** The longest host name DNS allows. */
    static final int MAX_HOST_LENGTH = 253;
    /** The longest reason an operator may give (a forced cleanup's). */
    static final int MAX_REASON_LENGTH = 1024;
    /** The most entries one list call returns. */
    static final int MAX_PAGE_SIZE = 1000;

    private RequestValidation() {
    }

    /** A storage node's host: a name or address of at most 253 characters, without spaces or control characters. */
    static String host(String host) {
        if (host.isBlank()) {
            throw GrpcErrors.invalid("INVALID_ADDRESS", "host is required");
        }
        if (host.length() > MAX_HOST_LENGTH) {
            throw GrpcErrors.invalid("INVALID_ADDRESS", "host must be at most " + MAX_HOST_LENGTH
                    + " characters, was " + host.length());
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw GrpcErrors.invalid("INVALID_ADDRESS", "host must not contain spaces or control characters");
        }
        if (!isHostName(host)) {
            throw GrpcErrors.invalid("INVALID_ADDRESS", "host '" + host + "' is not a host name or IP address (a name"
                    + " has letters, digits, '-' and '.', no '_'; an IPv6 address goes without brackets; the port is"
                    + " given apart)");
        }
        return host;
    }

    /** Whether a channel can be opened to {@code host} and a certificate checked against it: a DNS name or an IP. */
    private static boolean isHostName(String host) {
        String authority = host.contains(":") ? "[" + host + "]" : host;
        try {
            return new URI(null, authority, null, null, null).getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** An operator's reason: required, at most 1024 characters, no NUL (PostgreSQL text cannot hold one). */
    static String reason(String reason, String required) {
        if (reason.isBlank()) {
            throw GrpcErrors.invalid("REASON_REQUIRED", required);
        }
        if (reason.length() > MAX_REASON_LENGTH) {
            throw GrpcErrors.invalid("INVALID_REASON", "reason must be at most " + MAX_REASON_LENGTH
                    + " characters, was " + reason.length());
        }
        if (reason.indexOf('\0') >= 0) {
            throw GrpcErrors.invalid("INVALID_REASON", "reason must not contain NUL characters");
        }
        return reason;
    }

    /** A list call's page size: 0 means {@code defaultSize}, otherwise 1 to 1000. */
    static int pageSize(int limit, int defaultSize) {
        if (limit < 0 || limit > MAX_PAGE_SIZE) {
            throw GrpcErrors.invalid("INVALID_LIMIT", "limit must be 0 (the default, " + defaultSize + ") to "
                    + MAX_PAGE_SIZE + ", was " + limit);
        }
        return limit == 0 ? defaultSize : limit;
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

    static NodeId nodeId(String nodeId) {
        if (!NodeId.isValid(nodeId)) {
            throw GrpcErrors.invalid("INVALID_NODE_ID", "node_id must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        return new NodeId(nodeId);
    }

    static ChangeId changeId(String changeId) {
        if (!ChangeId.isValid(changeId)) {
            throw GrpcErrors.invalid("INVALID_CHANGE_ID", "change_id must be 1-128 characters of letters, digits,"
                    + " '.', '_' or '-'");
        }
        return new ChangeId(changeId);
    }

    /** A repair run's id, as {@code repair} printed it ({@code repair-<uuid>}). */
    static String repairRunId(String runId) {
        if (!Identifiers.isPlainName(runId, 128)) {
            throw GrpcErrors.invalid("INVALID_RUN_ID", "run_id must be 1-128 characters of letters, digits,"
                    + " '.', '_' or '-'");
        }
        return runId;
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
