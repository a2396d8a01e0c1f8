package io.pairdb.adapters.storage;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.testing.StorageRangesContract;
import io.pairdb.emulator.StorageNodeEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/** The storage contract's range calls against an in-process emulator node. */
class GrpcStorageRangesTest extends StorageRangesContract {
    private static final GrpcStorageRanges RANGES = new GrpcStorageRanges();
    private final Map<NodeId, StorageNodeEmulator> emulators = new HashMap<>();

    @Override
    protected StorageRanges ranges() {
        return RANGES;
    }

    @Override
    protected StorageNode emptyNode() {
        try {
            StorageNodeEmulator emulator = StorageNodeEmulator.start("ranges-" + emulators.size(), 0);
            NodeId id = new NodeId(emulator.nodeId() + "-" + emulator.port());
            emulators.put(id, emulator);
            Instant now = Instant.now();
            return new StorageNode(id, emulator.host(), emulator.port(), 16, NodeState.NORMAL, Liveness.UP, now, now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void failScans(StorageNode node) {
        emulators.get(node.id()).faults().setFailStreams(true);
    }

    @AfterEach
    void stopNodes() {
        emulators.values().forEach(StorageNodeEmulator::close);
    }

    @AfterAll
    static void closeChannels() {
        RANGES.close();
    }
}
