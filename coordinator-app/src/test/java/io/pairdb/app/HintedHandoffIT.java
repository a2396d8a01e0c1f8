package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.admin.v1.GetHintStatsResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.NodeHintStats;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.ReplayEnding;
import io.pairdb.proto.admin.v1.ReplayHintsRequest;
import io.pairdb.proto.admin.v1.ReplayHintsResponse;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.embedded.FreePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hinted handoff end to end: a coordinator in front of three emulator storage nodes that run as
 * their own OS processes, so a node can really be killed (SIGKILL) or paused (SIGSTOP) while a
 * writer keeps writing. Afterwards every acknowledged write must be on the node that missed it
 * (checked on the node itself, before any read through the coordinator could repair it) and
 * read back at {@code all}, with every hint replayed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HintedHandoffIT {
    private static final String TENANT = "handoff";
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    /** Writes of distinct keys each run issues at least; it goes on until enough follow the recovery. */
    private static final int MIN_WRITES = 2_000;
    private static final int WRITES_AFTER_RECOVERY = 200;
    private static final int WRITER_THREADS = 8;

    private final Map<String, EmulatorProcess> nodes = new LinkedHashMap<>();
    private InProcessCoordinator coordinator;

    @BeforeAll
    void startCluster() {
        List<CompletableFuture<EmulatorProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = "node-" + i;
            starting.add(CompletableFuture.supplyAsync(() -> EmulatorProcess.start(id, FreePorts.pick())));
        }
        starting.forEach(f -> {
            EmulatorProcess node = f.join();
            nodes.put(node.nodeId, node);
        });
        coordinator = InProcessCoordinator.start(0, Map.of(
                "pairdb.failure-detector.interval", "200ms",
                // generous: on two busy cores a healthy node can take a while to answer, and a false DOWN of
                // two nodes at once would fail writes fast
                "pairdb.failure-detector.timeout", "1s",
                "pairdb.hints.batch-pause", "50ms",
                "pairdb.hints.replay-interval", "1s",
                // every write to a paused node is a straggler hinted at its deadline: at full write speed
                // more than the default 256 hint stores can be running at once, and one beyond the bound is
                // refused (documented: that replica then misses the write until a read repairs it), which
                // is not what these runs are about
                "pairdb.coordinator.max-hint-stores-in-flight", "4096",
                "pairdb.coordinator.write-timeout", WRITE_TIMEOUT.toMillis() + "ms",
                "pairdb.coordinator.read-timeout", "2s"));
        nodes.values().forEach(n -> coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                .setNodeId(n.nodeId).setHost("127.0.0.1").setPort(n.port).build()));
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (coordinator != null) {
                coordinator.close();
            }
        } finally {
            // the node processes go even if the coordinator's shutdown throws, or they outlive the build
            for (EmulatorProcess node : nodes.values()) {
                node.close();
            }
        }
    }

    @BeforeEach
    void everyNodeIsUp() {
        waiting().until(() -> listed().stream().allMatch(n -> n.getLiveness() == NodeLiveness.NODE_LIVENESS_UP));
    }

    // ---- the runs -------------------------------------------------------------------------------

    @Test
    @Order(1)
    void everyAcknowledgedWriteSurvivesANodeKilledAndRestartedEmpty() throws Exception {
        EmulatorProcess victim = nodes.get("node-3");
        Tally before = tally();
        Timeline timeline = new Timeline();
        try (Writer writer = new Writer("killed-")) {
            waiting().until(() -> writer.acknowledged() >= 200);
            victim.kill();
            writer.phase = Phase.FAULT;
            timeline.mark("killed");
            waiting().until(() -> liveness(victim) == NodeLiveness.NODE_LIVENESS_DOWN);
            timeline.mark("seen DOWN");
            waiting().until(() -> listedNode(victim).getHintsPending() > 0);

            // the writer goes on while the new process starts; every write until it is ready is hinted
            victim.restartEmpty();
            writer.phase = Phase.RECOVERED;
            timeline.mark("restarted");
            writer.awaitDone();
            timeline.mark("writer done");

            waitUntilEveryHintIsReplayed(before);
            timeline.mark("hints drained");
            // writes that started after the kill are what the empty node can only have from hints
            assertThat(missingOn(victim, writer, a -> a.phase() != Phase.BEFORE))
                    .as("acknowledged writes missing on the restarted node").isEmpty();
            report("node-3 killed (SIGKILL) and restarted empty", writer, before, timeline);
        }
    }

    @Test
    @Order(2)
    void aNodePausedPastTheWriteDeadlineGetsHintsAndIsCaughtUpAfterItContinues() throws Exception {
        EmulatorProcess victim = nodes.get("node-2");
        Tally before = tally();
        Timeline timeline = new Timeline();
        try (Writer writer = new Writer("paused-")) {
            waiting().until(() -> writer.acknowledged() >= 200);
            victim.pause();
            long pausedAt = System.nanoTime();
            writer.phase = Phase.FAULT;
            timeline.mark("paused");
            waiting().until(() -> liveness(victim) == NodeLiveness.NODE_LIVENESS_DOWN
                    && Duration.ofNanos(System.nanoTime() - pausedAt).compareTo(WRITE_TIMEOUT.multipliedBy(2)) > 0
                    && writer.acknowledgedIn(Phase.FAULT) >= 200);

            victim.resume();
            writer.phase = Phase.RECOVERED;
            timeline.mark("continued");
            writer.awaitDone();
            timeline.mark("writer done");

            waitUntilEveryHintIsReplayed(before);
            timeline.mark("hints drained");
            assertThat(hintStoreFailures()).as("hints that could not be stored").isZero();
            // the paused node kept its data: it must hold every acknowledged write
            assertThat(missingOn(victim, writer, a -> true)).as("acknowledged writes missing on the paused node").isEmpty();
            report("node-2 paused (SIGSTOP) past the write deadline, then continued (SIGCONT)", writer, before, timeline);
        }
    }

    @Test
    @Order(3)
    void aReplayedHintOlderThanTheValueOnTheNodeDoesNotOverwriteIt() {
        EmulatorProcess node = nodes.get("node-1");
        String key = "stale-guard";
        WriteKeyValueResponse written = coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder()
                .setTenantId(TENANT).setKey(key).setValue(ByteString.copyFromUtf8("newer")).setConsistency("all").build());
        ReadResponse onNodeBefore = node.readDirectly(TENANT, key);
        var entry = written.getVectorClock().getEntries(0);
        // the same coordinator's entry, one tick earlier: a version the written one dominates
        Version older = Version.of("older".getBytes(StandardCharsets.UTF_8),
                VectorClock.of(entry.getCoordinatorNodeId(), entry.getLogicalTimestamp() - 1), 1L);
        coordinator.context.getBean(HintStore.class).store(Hint.forWrite(new NodeId(node.nodeId), new TenantId(TENANT),
                key, Token.forKey(TENANT, key), older, Instant.now()));

        ReplayHintsResponse replayed = coordinator.admin().replayHints(
                ReplayHintsRequest.newBuilder().setNodeId(node.nodeId).build());

        assertThat(replayed.getEnding()).isEqualTo(ReplayEnding.REPLAY_ENDING_DRAINED);
        assertThat(replayed.getDelivered()).isEqualTo(1);
        assertThat(replayed.getRemaining()).isZero();
        ReadResponse onNodeAfter = node.readDirectly(TENANT, key);
        assertThat(onNodeAfter.getVersion().getValue().toStringUtf8()).isEqualTo("newer");
        assertThat(onNodeAfter).isEqualTo(onNodeBefore);
    }

    @Test
    @Order(4)
    void aHintForANodeThatNeverWentDownIsReplayedByThePeriodicRun() {
        EmulatorProcess node = nodes.get("node-1");
        String key = "periodic";
        Version version = Version.of("hinted".getBytes(StandardCharsets.UTF_8), VectorClock.of("hh-test", 1),
                System.currentTimeMillis());
        // as a straggler's hint is: stored while its node stays UP, so no UP transition will replay it
        coordinator.context.getBean(HintStore.class).store(Hint.forWrite(new NodeId(node.nodeId), new TenantId(TENANT),
                key, Token.forKey(TENANT, key), version, Instant.now()));

        waiting().until(() -> node.readDirectly(TENANT, key).getFound());
        assertThat(node.readDirectly(TENANT, key).getVersion().getValue().toStringUtf8()).isEqualTo("hinted");
        waiting().until(() -> hintStats().getNodesList().stream().allMatch(n -> n.getPending() == 0));
    }

    // ---- the writer ---------------------------------------------------------------------------------

    private enum Phase { BEFORE, FAULT, RECOVERED }

    private record Ack(String value, Phase phase) {
    }

    /** Writes distinct keys at quorum from several threads until told it has written enough. */
    private final class Writer implements AutoCloseable {
        final String prefix;
        final AtomicInteger issued = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
        final Map<Phase, AtomicInteger> acknowledgedByPhase = new ConcurrentHashMap<>();
        final ExecutorService threads = Executors.newFixedThreadPool(WRITER_THREADS);
        final List<Future<?>> running = new ArrayList<>();
        volatile Phase phase = Phase.BEFORE;

        Writer(String prefix) {
            this.prefix = prefix;
            for (Phase p : Phase.values()) {
                acknowledgedByPhase.put(p, new AtomicInteger());
            }
            for (int t = 0; t < WRITER_THREADS; t++) {
                running.add(threads.submit(this::write));
            }
        }

        private void write() {
            while (issued.get() < MIN_WRITES || acknowledgedIn(Phase.RECOVERED) < WRITES_AFTER_RECOVERY) {
                int i = issued.getAndIncrement();
                Phase startedIn = phase;
                String key = prefix + i;
                String value = "value-" + i;
                try {
                    coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                            .setValue(ByteString.copyFromUtf8(value)).setConsistency("quorum").build());
                    acknowledged.put(key, new Ack(value, startedIn));
                    acknowledgedByPhase.get(startedIn).incrementAndGet();
                } catch (StatusRuntimeException e) {
                    failed.incrementAndGet();
                }
            }
        }

        int acknowledged() {
            return acknowledged.size();
        }

        int acknowledgedIn(Phase p) {
            return acknowledgedByPhase.get(p).get();
        }

        void awaitDone() throws Exception {
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    // ---- checks and counts ----------------------------------------------------------------------------

    /** Hints stored, replayed and dropped by the coordinator so far. */
    private record Tally(double stored, long replayed, long dropped) {
    }

    private Tally tally() {
        Counter stored = coordinator.context.getBean(MeterRegistry.class).find("coordinator.hints.stored").counter();
        long replayed = 0;
        long dropped = 0;
        for (NodeHintStats n : hintStats().getNodesList()) {
            replayed += n.getReplayed();
            dropped += n.getDropped().getMaxAttempts() + n.getDropped().getExpired() + n.getDropped().getNodeLeft();
        }
        return new Tally(stored == null ? 0 : stored.count(), replayed, dropped);
    }

    /**
     * Until nothing waits for any node and every hint stored since {@code before} was replayed
     * or dropped (a straggler's hint can be stored up to a write deadline after its answer).
     */
    private void waitUntilEveryHintIsReplayed(Tally before) {
        waiting().until(() -> {
            Tally now = tally();
            boolean drained = hintStats().getNodesList().stream().allMatch(n -> n.getPending() == 0);
            return drained && now.stored() - before.stored() == (now.replayed() - before.replayed())
                    + (now.dropped() - before.dropped());
        });
    }

    private List<String> missingOn(EmulatorProcess node, Writer writer, Predicate<Ack> expected) {
        List<String> missing = new ArrayList<>();
        new TreeMap<>(writer.acknowledged).forEach((key, ack) -> {
            if (expected.test(ack)) {
                ReadResponse held = node.readDirectly(TENANT, key);
                if (!held.getFound() || !held.getVersion().getValue().toStringUtf8().equals(ack.value())) {
                    missing.add(key);
                }
            }
        });
        return missing;
    }

    /** Hints the coordinator could not store so far, for any reason (they are lost, not hinted). */
    private double hintStoreFailures() {
        return coordinator.context.getBean(MeterRegistry.class).find("coordinator.hint.store.failures").counters()
                .stream().mapToDouble(Counter::count).sum();
    }

    /** Acknowledged writes that do not read back, at {@code all}, with the value written. */
    private int lost(Writer writer) throws Exception {
        AtomicInteger lost = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(WRITER_THREADS);
        try {
            List<Future<?>> reads = new ArrayList<>();
            writer.acknowledged.forEach((key, ack) -> reads.add(readers.submit(() -> {
                try {
                    String value = coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT)
                            .setKey(key).setConsistency("all").build()).getValue().toStringUtf8();
                    if (!value.equals(ack.value())) {
                        lost.incrementAndGet();
                    }
                } catch (StatusRuntimeException e) {
                    lost.incrementAndGet();
                }
            })));
            for (Future<?> read : reads) {
                read.get(60, TimeUnit.SECONDS);
            }
        } finally {
            readers.shutdownNow();
        }
        return lost.get();
    }

    /** When each step of a run happened, in seconds from its start, for the printed report. */
    private static final class Timeline {
        private final long started = System.nanoTime();
        private final StringBuilder marks = new StringBuilder();

        void mark(String what) {
            marks.append(marks.isEmpty() ? "" : ", ").append(what).append(" at ")
                    .append(String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - started) / 1e9));
        }

        @Override
        public String toString() {
            return marks.toString();
        }
    }

    private void report(String run, Writer writer, Tally before, Timeline timeline) throws Exception {
        int lost = lost(writer);
        Tally after = tally();
        long hinted = Math.round(after.stored() - before.stored());
        long replayed = after.replayed() - before.replayed();
        long dropped = after.dropped() - before.dropped();
        timeline.mark("read back");
        System.out.printf("hinted handoff, %s: written %d, acknowledged %d, failed %d, hinted %d, replayed %d, "
                        + "dropped %d, lost %d (%s)%n", run, writer.acknowledged() + writer.failed.get(),
                writer.acknowledged(), writer.failed.get(), hinted, replayed, dropped, lost, timeline);
        assertThat(writer.acknowledged() + writer.failed.get()).isGreaterThanOrEqualTo(MIN_WRITES);
        assertThat(lost).as("acknowledged writes lost").isZero();
        assertThat(hinted).as("hints stored for the node that missed writes").isPositive();
        assertThat(replayed).isEqualTo(hinted);
        assertThat(dropped).isZero();
    }

    // ---- the admin API ------------------------------------------------------------------------------

    private List<StorageNode> listed() {
        return coordinator.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList();
    }

    private StorageNode listedNode(EmulatorProcess node) {
        return listed().stream().filter(n -> n.getNodeId().equals(node.nodeId)).findFirst().orElseThrow();
    }

    private NodeLiveness liveness(EmulatorProcess node) {
        return listedNode(node).getLiveness();
    }

    private GetHintStatsResponse hintStats() {
        return coordinator.admin().getHintStats(GetHintStatsRequest.getDefaultInstance());
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    }
}
