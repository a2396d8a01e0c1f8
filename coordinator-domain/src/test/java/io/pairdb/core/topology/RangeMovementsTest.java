package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Checks a plan by carrying it out on a model: every key sits on its replicas before the
 * change, the streams copy what they name, and afterwards every key must sit on every one of
 * its future replicas — and nowhere it was streamed to without belonging.
 */
class RangeMovementsTest {
    private static final List<Integer> RFS = List.of(1, 2, 3);

    private record Key(String name, Token token, int rf) {
    }

    private static Ring ring(String... nodes) {
        List<Ring.Member> members = new ArrayList<>();
        for (String n : nodes) {
            members.add(new Ring.Member(new NodeId(n), 32));
        }
        return Ring.of(members);
    }

    private static List<Key> keys(int count, long seed) {
        Random random = new Random(seed);
        return IntStream.range(0, count)
                .mapToObj(i -> {
                    String name = "k" + random.nextLong();
                    int rf = RFS.get(random.nextInt(RFS.size()));
                    return new Key(name, Token.forKey("t" + rf, name), rf);
                })
                .toList();
    }

    /** Which node holds which keys after applying the plan's streams to the current placement. */
    private static Map<NodeId, Set<Key>> applyStreams(Ring current, RangeMovements.Plan plan, List<Key> keys) {
        Map<NodeId, Set<Key>> held = new HashMap<>();
        for (Key k : keys) {
            for (NodeId n : current.replicasFor(k.token(), k.rf())) {
                held.computeIfAbsent(n, x -> new HashSet<>()).add(k);
            }
        }
        Map<NodeId, Set<Key>> before = new HashMap<>();
        held.forEach((n, ks) -> before.put(n, Set.copyOf(ks)));
        for (RangeMovements.Stream s : plan.streams()) {
            for (Key k : keys) {
                if (s.range().contains(k.token()) && s.replicationFactors().contains(k.rf())) {
                    assertThat(s.sources()).allSatisfy(source ->
                            assertThat(before.getOrDefault(source, Set.of())).as("source %s holds %s", source, k).contains(k));
                    held.computeIfAbsent(s.target(), x -> new HashSet<>()).add(k);
                }
            }
        }
        return held;
    }

    private static void assertPlanDeliversTheFutureRing(Ring current, Ring future, List<Key> keys) {
        RangeMovements.Plan plan = RangeMovements.plan(current, future, RFS);
        Map<NodeId, Set<Key>> held = applyStreams(current, plan, keys);
        for (Key k : keys) {
            List<NodeId> futureReplicas = future.replicasFor(k.token(), k.rf());
            for (NodeId n : futureReplicas) {
                assertThat(held.getOrDefault(n, Set.of())).as("%s on future replica %s", k, n).contains(k);
            }
            // a node streamed a key must be one of its future replicas; releases name the rest
            for (RangeMovements.Stream s : plan.streams()) {
                if (s.range().contains(k.token()) && s.replicationFactors().contains(k.rf())) {
                    assertThat(futureReplicas).contains(s.target());
                }
            }
            List<NodeId> currentReplicas = current.replicasFor(k.token(), k.rf());
            Set<NodeId> released = new HashSet<>();
            for (RangeMovements.Release r : plan.releases()) {
                if (r.range().contains(k.token()) && r.replicationFactors().contains(k.rf())) {
                    released.add(r.node());
                }
            }
            Set<NodeId> expected = new HashSet<>(currentReplicas);
            expected.removeAll(futureReplicas);
            assertThat(released).as("released holders of %s", k).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void addingANodeStreamsEveryReplicaRangeItGainsForEveryReplicationFactor(long seed) {
        assertPlanDeliversTheFutureRing(ring("n1", "n2", "n3"), ring("n1", "n2", "n3", "n4"), keys(3000, seed));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void removingANodeHandsEachOfItsRangesToTheNodeThatReplacesIt(long seed) {
        assertPlanDeliversTheFutureRing(ring("n1", "n2", "n3", "n4"), ring("n1", "n2", "n4"), keys(3000, seed));
    }

    @Test
    void aJoiningNodeOnlyEverReceivesAndTheOthersOnlyEverRelease() {
        RangeMovements.Plan plan = RangeMovements.plan(ring("n1", "n2", "n3"), ring("n1", "n2", "n3", "n4"), RFS);
        assertThat(plan.streams()).isNotEmpty().allSatisfy(s -> assertThat(s.target()).isEqualTo(new NodeId("n4")));
        assertThat(plan.releases()).isNotEmpty().noneSatisfy(r -> assertThat(r.node()).isEqualTo(new NodeId("n4")));
    }

    @Test
    void aLeavingNodeIsTheFirstSourceOfEveryRangeItHandsOver() {
        RangeMovements.Plan plan = RangeMovements.plan(ring("n1", "n2", "n3", "n4"), ring("n1", "n2", "n4"), RFS);
        assertThat(plan.streams()).isNotEmpty()
                .allSatisfy(s -> assertThat(s.sources().getFirst()).isEqualTo(new NodeId("n3")));
        assertThat(plan.releases()).allSatisfy(r -> assertThat(r.node()).isEqualTo(new NodeId("n3")));
    }

    /**
     * A replica set that takes in a joining node drops a different member for each RF, and only the
     * dropped member is sure to hold everything acknowledged there (a write acknowledged by a quorum
     * may be missing on another replica): each RF must stream from the replica it replaces.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void everyReplicationFactorStreamsFirstFromTheReplicaItReplaces(long seed) {
        Ring current = ring("n1", "n2", "n3", "n4", "n5");
        List<Ring> futures = List.of(ring("n1", "n2", "n3", "n4", "n5", "n6"), ring("n1", "n2", "n4", "n5"));
        for (Ring future : futures) {
            RangeMovements.Plan plan = RangeMovements.plan(current, future, RFS);
            assertThat(plan.streams()).isNotEmpty();
            for (RangeMovements.Stream s : plan.streams()) {
                for (int rf : s.replicationFactors()) {
                    List<NodeId> before = current.replicasFor(s.range().end(), rf);
                    List<NodeId> after = future.replicasFor(s.range().end(), rf);
                    Set<NodeId> replaced = new HashSet<>(before);
                    replaced.removeAll(after);
                    assertThat(replaced).as("RF %d of %s to %s: first source %s", rf, s.range(), s.target(),
                            s.sources().getFirst()).contains(s.sources().getFirst());
                }
            }
            assertPlanDeliversTheFutureRing(current, future, keys(2000, seed));
        }
    }

    @Test
    void theElementaryRangesCoverTheRingExactlyOnce() {
        List<TokenRange> ranges = RangeMovements.elementaryRanges(ring("n1", "n2"), ring("n1", "n2", "n3"));
        double covered = ranges.stream().mapToDouble(TokenRange::fractionOfRing).sum();
        assertThat(covered).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).start()).isEqualTo(ranges.get(i - 1).end());
        }
    }

    @Test
    void anUnchangedRingMovesNothing() {
        assertThat(RangeMovements.plan(ring("n1", "n2", "n3"), ring("n1", "n2", "n3"), RFS).isEmpty()).isTrue();
    }
}
