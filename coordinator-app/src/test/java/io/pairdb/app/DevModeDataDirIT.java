package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.StorageNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dev mode with {@code --data-dir}: the storage nodes are durable, so a dev cluster stopped and
 * started again on the same directory has its nodes registered as before and every key it held.
 */
class DevModeDataDirIT {
    /** Dev mode's settings, but a failure detector patient enough for a starved 2-CPU machine (see bench/RESULTS.md). */
    private static final Map<String, Object> PATIENT = Map.of(
            "pairdb.failure-detector.timeout", "10s",
            "pairdb.failure-detector.failures-before-down", "10");

    @Test
    void aRestartedDevClusterHasItsNodesAndItsData() throws Exception {
        // searchable by others: embedded PostgreSQL drops to an unprivileged user when run as root
        Path dataDirectory = Files.createTempDirectory("pairdb-dev-data-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        AcknowledgedWrites writes = new AcknowledgedWrites("default");
        try (InProcessCoordinator first = InProcessCoordinator.start(3, dataDirectory, PATIENT)) {
            writes.preload(first, "kept-", 120);
        }

        try (InProcessCoordinator again = InProcessCoordinator.start(3, dataDirectory, PATIENT)) {
            List<StorageNode> nodes = again.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance())
                    .getNodesList();
            assertThat(nodes).extracting(StorageNode::getNodeId).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
            assertThat(nodes).allSatisfy(n -> assertThat(n.getState().name()).isEqualTo("NODE_STATE_NORMAL"));
            assertThat(dataDirectory.resolve("storage").resolve("node-1").resolve("PAIRDB-NODE")).exists();
            writes.assertEveryAcknowledgedKeyReadsAtAll(again);
        }
    }
}
