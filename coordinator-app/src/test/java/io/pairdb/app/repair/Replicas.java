package io.pairdb.app.repair;

import io.pairdb.adapters.storage.GrpcStorageNodes;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.storage.server.EntryScan;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.TokenRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Emulator storage nodes that all replicate every key of one tenant, written to the way the
 * coordinator writes replicas, and read back from the nodes' own stores to count what differs.
 */
final class Replicas implements AutoCloseable {
    static final TenantId TENANT = new TenantId("acme");
    /**
     * Long enough that a write is never left undecided on a starved machine: a write that timed out
     * here could still land on its node later, in the middle of a repair, and blur the counts.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<StorageNodeEmulator> emulators = new ArrayList<>();
    private final List<StorageNode> nodes = new ArrayList<>();
    private final GrpcStorageNodes writes = new GrpcStorageNodes();

    Replicas(int count) {
        try {
            for (int i = 1; i <= count; i++) {
                StorageNodeEmulator emulator = StorageNodeEmulator.start("replica-" + i, 0);
                emulators.add(emulator);
                Instant now = Instant.now();
                nodes.add(new StorageNode(new NodeId("replica-" + i), emulator.host(), emulator.port(), 16,
                        NodeState.NORMAL, Liveness.UP, now, now));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    List<StorageNode> nodes() {
        return List.copyOf(nodes);
    }

    StorageNodeEmulator emulator(int index) {
        return emulators.get(index);
    }

    static Version value(String text, VectorClock clock, long timestampMs) {
        return Version.of(text.getBytes(StandardCharsets.UTF_8), clock, timestampMs);
    }

    /** Writes the version to every node; true when all of them took it (the write was acknowledged at all). */
    boolean writeToAll(String key, Version version) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (StorageNode node : nodes) {
            sent.add(writes.write(node, TENANT, key, Token.forKey(TENANT.value(), key), version, TIMEOUT));
        }
        boolean all = true;
        for (CompletableFuture<?> write : sent) {
            try {
                write.get(TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                all = false;
            } catch (TimeoutException e) {
                throw new AssertionError("a replica write gave no answer within " + TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return all;
    }

    /** What each node holds of the tenant, key by key, read from its own store. */
    List<Map<String, VectorClock>> held() {
        List<Map<String, VectorClock>> held = new ArrayList<>();
        for (StorageNodeEmulator emulator : emulators) {
            Map<String, VectorClock> clocks = new HashMap<>();
            try (EntryScan scan = emulator.store().scan(TokenRange.fullRing(), Optional.of(TENANT.value()), Optional.empty())) {
                scan.forEachRemaining((StoredEntry e) -> clocks.put(e.key(), e.version().clock()));
            }
            held.add(clocks);
        }
        return held;
    }

    /** Keys some node lacks or holds under another clock than the others, counted on the nodes. */
    long divergentKeys() {
        List<Map<String, VectorClock>> held = held();
        Set<String> keys = new HashSet<>();
        held.forEach(m -> keys.addAll(m.keySet()));
        return keys.stream().filter(key -> held.stream().map(m -> Optional.ofNullable(m.get(key))).distinct().count() > 1)
                .count();
    }

    @Override
    public void close() {
        writes.close();
        emulators.forEach(StorageNodeEmulator::close);
    }
}
