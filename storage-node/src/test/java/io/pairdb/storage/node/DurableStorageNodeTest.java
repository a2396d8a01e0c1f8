package io.pairdb.storage.node;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static io.pairdb.storage.contract.Fixtures.aTombstone;
import static io.pairdb.storage.contract.Fixtures.aValue;
import static io.pairdb.storage.contract.Fixtures.entry;
import static io.pairdb.storage.contract.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.storage.contract.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a durable node does: keep its data across restarts, guard its directory, refuse writes on a full disk. */
class DurableStorageNodeTest {

    private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");

    @TempDir
    Path temp;

    @Test
    void keepsEveryVersionTombstoneAndRangeAcrossARestart() throws Exception {
        Path directory = temp.resolve("node-1");
        MutableClock clock = new MutableClock(START);
        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            written.add(entry("acme", "k" + i, i * 1_000L, aValue("v" + i).clock("c1", i + 1).at(START.toEpochMilli()).build()));
        }
        Entry deleted = entry("acme", "gone", 5, aTombstone().clock("c1", 9).at(START.toEpochMilli()).build());
        String digestBefore;
        try (DurableStorageNode node = start(directory, b -> b.clock(clock)); Client client = new Client(node)) {
            client.storage().writeBatch(WriteBatchRequest.newBuilder().addAllEntries(written).addEntries(deleted).build());
            digestBefore = client.digest();
        }

        try (DurableStorageNode node = start(directory, b -> b.clock(clock)); Client client = new Client(node)) {
            assertThat(node.nodeId()).isEqualTo("node-1");
            for (Entry entry : written) {
                assertThat(client.read(entry.getKey()).getVersion()).isEqualTo(entry.getVersion());
            }
            assertThat(client.read("gone").getVersion()).isEqualTo(deleted.getVersion());
            assertThat(client.digest()).isEqualTo(digestBefore);
            assertThat(client.health().getKeyCount()).isEqualTo(301);
            // the tombstone index came back too: the purge finds the tombstone without scanning the data
            clock.advance(DurableStorageNode.DEFAULT_TOMBSTONE_GC_GRACE.plusSeconds(1));
            assertThat(node.purgeExpiredTombstones()).isEqualTo(1);
            assertThat(client.read("gone").getFound()).isFalse();
        }
    }

    @Test
    void keepsItsDataIdAcrossARestartAndTakesANewOneWhenItStartsOverEmpty() throws Exception {
        Path directory = temp.resolve("node-1");
        String first;
        try (DurableStorageNode node = start(directory, UnaryOperator.identity()); Client client = new Client(node)) {
            first = client.health().getDataId();
        }
        assertThat(first).isNotBlank();
        try (DurableStorageNode node = start(directory, UnaryOperator.identity()); Client client = new Client(node)) {
            assertThat(client.health().getDataId()).as("restarted on the same data").isEqualTo(first);
        }

        // the disk is lost: the same node starts over on an empty directory
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        try (DurableStorageNode node = start(directory, UnaryOperator.identity()); Client client = new Client(node)) {
            assertThat(client.health().getDataId()).as("started over empty").isNotBlank().isNotEqualTo(first);
        }
    }

    @Test
    void takesItsNodeIdFromItsDataDirectoryAndRefusesAnother() throws Exception {
        Path directory = temp.resolve("node-1");
        start(directory, UnaryOperator.identity()).close();

        try (DurableStorageNode again = DurableStorageNode.builder().dataDirectory(directory).port(0).start()) {
            assertThat(again.nodeId()).isEqualTo("node-1");
        }
        assertThatThrownBy(() -> DurableStorageNode.builder().dataDirectory(directory).nodeId("node-2").port(0).start())
                .isInstanceOf(DataDirectoryException.class)
                .hasMessage(directory + " belongs to node 'node-1', not 'node-2': start it as node-1 or give another directory");
    }

    @Test
    void refusesADirectoryOfSomethingElse() throws Exception {
        Path foreign = Files.createDirectories(temp.resolve("photos"));
        Files.writeString(foreign.resolve("holiday.jpg"), "not a database");

        assertThatThrownBy(() -> start(foreign, UnaryOperator.identity()))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageStartingWith(foreign + " is not a PairDB storage node data directory");
        assertThat(foreign.resolve("db")).doesNotExist();
    }

    @Test
    void refusesADirectoryWhoseDatabaseIsDamaged() throws Exception {
        Path directory = temp.resolve("node-1");
        start(directory, UnaryOperator.identity()).close();
        Path current = directory.resolve("db").resolve("CURRENT");
        Files.writeString(current, "MANIFEST-nonsense\n");

        assertThatThrownBy(() -> start(directory, UnaryOperator.identity()))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageStartingWith(directory + ": the database cannot be opened, it is damaged");
    }

    @Test
    void refusesADirectoryOfANewerFormatOrWithoutItsDatabase() throws Exception {
        Path newer = temp.resolve("newer");
        start(newer, UnaryOperator.identity()).close();
        Path manifest = newer.resolve(DataDirectory.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("format-version=1", "format-version=2"));
        Path emptied = temp.resolve("emptied");
        start(emptied, UnaryOperator.identity()).close();
        try (Stream<Path> files = Files.list(emptied.resolve("db"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }

        assertThatThrownBy(() -> start(newer, UnaryOperator.identity()))
                .hasMessage(newer + " was written by a newer storage node (format version 2; this one reads 1): run that "
                        + "version or newer");
        assertThatThrownBy(() -> start(emptied, UnaryOperator.identity()))
                .hasMessageStartingWith(emptied + ": the manifest is there but the database (db/) is missing");
    }

    @Test
    void refusesADirectoryAnotherNodeIsUsing() throws Exception {
        Path directory = temp.resolve("node-1");
        try (DurableStorageNode running = start(directory, UnaryOperator.identity())) {
            assertThatThrownBy(() -> start(directory, UnaryOperator.identity()))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageStartingWith(directory + " is in use by another storage node process");
            assertThat(running.nodeId()).isEqualTo("node-1");
        }
    }

    @Test
    void refusesWritesWithAReasonWhileTheDiskIsFullAndStillServesReads() throws Exception {
        Path directory = temp.resolve("node-1");
        Entry kept = entry("acme", "kept", 7, aValue("before").clock("c1", 1).build());
        try (DurableStorageNode node = start(directory, UnaryOperator.identity()); Client client = new Client(node)) {
            client.storage().writeBatch(WriteBatchRequest.newBuilder().addEntries(kept).build());
        }
        long beyondAnyDisk = Files.getFileStore(temp).getTotalSpace() + 1;

        try (DurableStorageNode node = start(directory, b -> b.minFreeDiskBytes(beyondAnyDisk));
             Client client = new Client(node)) {
            Entry refused = entry("acme", "refused", 8, aValue("after").clock("c1", 1).build());

            assertThatThrownBy(() -> client.storage().writeBatch(WriteBatchRequest.newBuilder().addEntries(refused).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("writes refused").contains("--min-free-disk")
                                .contains("Reads go on");
                        assertThat(reason(e)).isEqualTo("DISK_FULL");
                    });
            assertThat(client.read("kept").getVersion()).isEqualTo(kept.getVersion());
            assertThat(client.read("refused").getFound()).isFalse();
            HealthResponse health = client.health();
            assertThat(health.getServing()).isTrue();
            assertThat(health.getWritesRefused()).contains("writes refused");
            // cleanup frees space, so it is not refused
            assertThat(client.storage().deleteRange(DeleteRangeRequest.newBuilder().setRange(range(0, 0)).build())
                    .getDeleted()).isEqualTo(1);
        }
    }

    @Test
    void reportsTheBytesItsDataTakesOnDisk() throws Exception {
        try (DurableStorageNode node = start(temp.resolve("node-1"), b -> b.diskCheckInterval(Duration.ofMillis(50)));
             Client client = new Client(node)) {
            byte[] value = new byte[64 * 1024];
            for (int i = 0; i < 32; i++) {
                client.storage().writeBatch(WriteBatchRequest.newBuilder().addEntries(
                        entry("acme", "big-" + i, i, aValue(value).clock("c1", 1).build())).build());
            }

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(client.health().getBytesOnDisk()).isGreaterThan(32L * 64 * 1024));
        }
    }

    /**
     * A data directory at a volume's root holds lost+found, which a node not running as root cannot read; a file in
     * it whose attributes cannot be read stands in for that here (the tests may run as root).
     */
    @Test
    void startsOnADirectoryWithSomethingItCannotMeasureAndStillCountsTheRest() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("volume-root"));
        Path lostAndFound = Files.createDirectories(directory.resolve("lost+found"));
        Files.createSymbolicLink(lostAndFound.resolve("loop"), lostAndFound.resolve("loop"));

        try (DurableStorageNode node = start(directory, b -> b.diskCheckInterval(Duration.ofMillis(50)));
             Client client = new Client(node)) {
            client.storage().writeBatch(WriteBatchRequest.newBuilder().addEntries(
                    entry("acme", "k", 1, aValue(new byte[64 * 1024]).clock("c1", 1).build())).build());

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(client.health().getBytesOnDisk()).isGreaterThan(64L * 1024));
        }
    }

    private static DurableStorageNode start(Path directory, UnaryOperator<DurableStorageNode.Builder> settings)
            throws IOException {
        return settings.apply(DurableStorageNode.builder().dataDirectory(directory).nodeId(
                Files.exists(directory.resolve(DataDirectory.MANIFEST)) ? readNodeId(directory) : "node-1")
                .port(0).minFreeDiskBytes(0)).start();
    }

    private static String readNodeId(Path directory) throws IOException {
        return Files.readAllLines(directory.resolve(DataDirectory.MANIFEST), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("node-id=")).map(line -> line.substring("node-id=".length()))
                .findFirst().orElseThrow();
    }

    /** A channel to the node and the calls the tests make. */
    private static final class Client implements AutoCloseable {
        private final ManagedChannel channel;

        Client(DurableStorageNode node) {
            this.channel = node.newChannel();
        }

        StorageNodeServiceGrpc.StorageNodeServiceBlockingStub storage() {
            return StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        ReadResponse read(String key) {
            return storage().read(ReadRequest.newBuilder().setTenantId("acme").setKey(key).build());
        }

        HealthResponse health() {
            return storage().health(HealthRequest.getDefaultInstance());
        }

        String digest() {
            return storage().rangeDigest(RangeDigestRequest.newBuilder().setRange(range(0, 0)).build()).getDigest()
                    .toStringUtf8();
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
