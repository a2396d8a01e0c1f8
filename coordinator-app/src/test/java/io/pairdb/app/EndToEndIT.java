package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton end to end: a real coordinator (PostgreSQL, Redis, Micronaut gRPC)
 * in front of three emulator storage nodes, driven through its public gRPC API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    private InProcessCoordinator coordinator;

    @BeforeAll
    void startCoordinator() {
        coordinator = InProcessCoordinator.start(3, Map.of());
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("acme").setReplicationFactor(3).build());
    }

    @AfterAll
    void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private WriteKeyValueResponse write(String key, String value, String consistency) {
        return coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId("acme").setKey(key)
                .setValue(ByteString.copyFromUtf8(value)).setConsistency(consistency).build());
    }

    private ReadKeyValueResponse read(String key, String consistency) {
        return coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("acme").setKey(key)
                .setConsistency(consistency).build());
    }

    @Test
    @Order(1)
    void aValueWrittenAtQuorumReadsBackAtQuorumAndAtAll() {
        WriteKeyValueResponse written = write("user:1", "hello", "quorum");
        assertThat(written.getSuccess()).isTrue();
        assertThat(written.getReplicaCount()).isGreaterThanOrEqualTo(2);
        assertThat(written.getVectorClock().getEntriesCount()).isEqualTo(1);
        assertThat(written.getIdempotencyKey()).as("a server-generated idempotency key").isNotEmpty();

        ReadKeyValueResponse atQuorum = read("user:1", "quorum");
        assertThat(atQuorum.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(atQuorum.getVectorClock()).isEqualTo(written.getVectorClock());

        ReadKeyValueResponse atAll = read("user:1", "all");
        assertThat(atAll.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(atAll.getReplicaCount()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void aSecondWriteReplacesTheValueWithADominatingClock() {
        WriteKeyValueResponse first = write("user:2", "v1", "quorum");
        WriteKeyValueResponse second = write("user:2", "v2", "all");
        assertThat(second.getVectorClock().getEntries(0).getLogicalTimestamp())
                .isGreaterThan(first.getVectorClock().getEntries(0).getLogicalTimestamp());
        assertThat(read("user:2", "all").getValue().toStringUtf8()).isEqualTo("v2");
    }

    @Test
    @Order(3)
    void anUnknownTenantIsNotFound() throws Exception {
        var request = ReadKeyValueRequest.newBuilder().setTenantId("nobody").setKey("k").build();
        assertThatThrownBy(() -> coordinator.data().readKeyValue(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("nobody");
                });
        try {
            coordinator.data().readKeyValue(request);
        } catch (StatusRuntimeException e) {
            assertThat(reason(e)).isEqualTo("TENANT_NOT_FOUND");
        }
    }

    @Test
    @Order(4)
    void anUnwrittenKeyIsNotFound() throws Exception {
        try {
            read("never-written", "quorum");
            throw new AssertionError("expected NOT_FOUND");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(reason(e)).isEqualTo("KEY_NOT_FOUND");
        }
    }

    @Test
    @Order(5)
    void creatingATenantTwiceIsAlreadyExists() throws Exception {
        try {
            coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("acme").build());
            throw new AssertionError("expected ALREADY_EXISTS");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(reason(e)).isEqualTo("TENANT_ALREADY_EXISTS");
        }
    }

    @Test
    @Order(6)
    void theSameIdempotencyKeyTwiceReturnsTheFirstAnswerAsADuplicate() {
        var request = WriteKeyValueRequest.newBuilder().setTenantId("acme").setKey("order:7")
                .setValue(ByteString.copyFromUtf8("paid")).setIdempotencyKey("req-7").build();
        WriteKeyValueResponse first = coordinator.data().writeKeyValue(request);
        WriteKeyValueResponse retry = coordinator.data().writeKeyValue(request);
        assertThat(first.getIsDuplicate()).isFalse();
        assertThat(retry.getIsDuplicate()).isTrue();
        assertThat(retry.getVectorClock()).isEqualTo(first.getVectorClock());
        assertThat(retry.getTimestampMs()).isEqualTo(first.getTimestampMs());
        assertThat(retry.toBuilder().setIsDuplicate(false).build()).isEqualTo(first);
    }

    @Test
    @Order(7)
    void invalidInputIsRejectedWithItsReason() throws Exception {
        try {
            write("", "x", "quorum");
            throw new AssertionError("expected INVALID_ARGUMENT");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(reason(e)).isEqualTo("INVALID_KEY");
        }
        try {
            write("k", "x", "most");
            throw new AssertionError("expected INVALID_ARGUMENT");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(reason(e)).isEqualTo("INVALID_CONSISTENCY");
        }
    }

    @Test
    @Order(10)
    void withOneNodeStoppedQuorumStillWorksAndAllIsUnavailable() throws Exception {
        write("user:3", "before", "all");
        coordinator.cluster.nodes().getLast().stop();

        WriteKeyValueResponse written = write("user:3", "after", "quorum");
        assertThat(written.getReplicaCount()).isEqualTo(2);
        assertThat(read("user:3", "quorum").getValue().toStringUtf8()).isEqualTo("after");

        for (String op : new String[] {"write", "read"}) {
            try {
                if (op.equals("write")) {
                    write("user:3", "never", "all");
                } else {
                    read("user:3", "all");
                }
                throw new AssertionError(op + " at all should fail with a node down");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(op).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(reason(e)).as(op).isEqualTo("QUORUM_NOT_REACHED");
            }
        }
    }
}
