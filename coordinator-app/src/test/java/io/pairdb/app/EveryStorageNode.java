package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.emulator.v1.EmulatorControlGrpc;
import io.pairdb.proto.emulator.v1.Faults;
import java.util.concurrent.TimeUnit;

/** The emulator storage nodes of a {@code --dev --nodes 3} coordinator, reached through its admin API. */
final class EveryStorageNode {
    private EveryStorageNode() {
    }

    /** Replaces the faults of each of the coordinator's three storage nodes with {@code faults}. */
    static void setFaults(ManagedChannel coordinator, Faults faults) {
        var nodes = AdminServiceGrpc.newBlockingStub(coordinator).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList();
        assertThat(nodes).hasSize(3);
        for (var node : nodes) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress(node.getHost(), node.getPort()).usePlaintext().build();
            try {
                EmulatorControlGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).setFaults(faults);
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
