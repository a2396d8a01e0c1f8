package io.pairdb.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.WritesRefusedException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a failed storage call becomes in the core. */
class StorageCallFailuresTest {
    private static final StorageNode NODE = new StorageNode(new NodeId("n1"), "10.0.0.1", 7000, 16, NodeState.NORMAL,
            Liveness.UP, Instant.EPOCH, Instant.EPOCH);

    @Test
    void aNodeRefusingWritesForLackOfRoomIsToldApartFromOneThatFailed() {
        // what a storage node answers when its disk is full (storage-server's Protos.writesRefused)
        var refusal = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
                .setMessage("writes refused: 12 MiB free on /data, below --min-free-disk (1 GiB)")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("DISK_FULL").setDomain("pairdb.io").build()))
                .build());

        PairDbException failure = StorageCallFailures.failure(NODE, "write", refusal);

        assertThat(failure).isInstanceOfSatisfying(WritesRefusedException.class,
                refused -> assertThat(refused.reason()).isEqualTo("DISK_FULL"));
        assertThat(failure.getMessage()).contains("n1", "RESOURCE_EXHAUSTED", "below --min-free-disk");
    }

    @Test
    void otherFailuresAreNoRefusal() {
        assertThat(StorageCallFailures.failure(NODE, "write", Status.UNAVAILABLE.withDescription("io exception")
                .asRuntimeException())).isNotInstanceOf(WritesRefusedException.class);
        // a reason from elsewhere (a proxy in between, say) is not the node's refusal
        assertThat(StorageCallFailures.failure(NODE, "write", StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder().setCode(Status.Code.RESOURCE_EXHAUSTED.value()).setMessage("quota")
                        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("RATE_LIMITED").setDomain("proxy.example")
                                .build())).build()))).isNotInstanceOf(WritesRefusedException.class);
        // gRPC's own RESOURCE_EXHAUSTED (a message too large) names no reason: not a node out of room
        assertThat(StorageCallFailures.failure(NODE, "write", Status.RESOURCE_EXHAUSTED
                .withDescription("message too large").asRuntimeException())).isNotInstanceOf(WritesRefusedException.class);
    }
}
