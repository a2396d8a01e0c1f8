package io.pairdb.storage.node;

import io.pairdb.storage.contract.NodeUnderTest;
import io.pairdb.storage.contract.StorageNodeContract;
import java.util.UUID;

/** The durable node passes the storage contract over gRPC's in-process transport too. */
class DurableNodeInProcessContractTest extends StorageNodeContract {

    @Override
    protected NodeUnderTest start(NodeUnderTest.Settings settings) {
        return DurableNodeContractTest.start(settings, DurableStorageNode.builder().inProcess("durable-" + UUID.randomUUID()));
    }
}
