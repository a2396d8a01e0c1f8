package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ring against DESIGN.md §4, checked with a second, independent implementation written
 * here from the spec (BigInteger positions, a linear clockwise walk).
 */
class RingTest {
    private static final BigInteger RING_SIZE = BigInteger.ONE.shiftLeft(64);

    // ---- the independent model --------------------------------------------------------

    private record ModelVnode(BigInteger position, String node) {
    }

    private static BigInteger modelHash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, Arrays.copyOf(digest, 8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<ModelVnode> modelVnodes(List<String> nodes, int vnodesPerNode) {
        List<ModelVnode> vnodes = new ArrayList<>();
        for (String n : nodes) {
            for (int i = 0; i < vnodesPerNode; i++) {
                vnodes.add(new ModelVnode(modelHash(n + "-vnode-" + i), n));
            }
        }
        vnodes.sort(Comparator.comparing(ModelVnode::position).thenComparing(ModelVnode::node));
        return vnodes;
    }

    private static List<String> modelReplicas(List<ModelVnode> vnodes, BigInteger keyPosition, int rf) {
        int start = 0;
        while (start < vnodes.size() && vnodes.get(start).position().compareTo(keyPosition) < 0) {
            start++;
        }
        LinkedHashSet<String> replicas = new LinkedHashSet<>();
        for (int step = 0; step < vnodes.size() && replicas.size() < rf; step++) {
            replicas.add(vnodes.get((start + step) % vnodes.size()).node());
        }
        return List.copyOf(replicas);
    }

    private static BigInteger unsigned(Token t) {
        return new BigInteger(Long.toUnsignedString(t.value()));
    }

    private static List<String> nodeNames(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "node-" + i).toList();
    }

    private static Ring ring(List<String> nodes, int vnodesPerNode) {
        return Ring.of(nodes.stream().map(n -> new Ring.Member(new NodeId(n), vnodesPerNode)).toList());
    }

    private static List<String> names(List<NodeId> ids) {
        return ids.stream().map(NodeId::value).toList();
    }

    // ---- replica placement ----------------------------------------------------------------

    @Test
    void tokensAreTheFirstEightBytesOfSha256ReadAsUnsigned() {
        for (String s : List.of("", "a", "acme:user-1", "node-1-vnode-0", "ünïcødé", "x".repeat(1000))) {
            assertThat(unsigned(Token.hash(s))).as(s).isEqualTo(modelHash(s));
        }
        assertThat(Token.forKey("acme", "k")).isEqualTo(Token.hash("acme:k"));
        assertThat(Token.forVnode("node-1", 7)).isEqualTo(Token.hash("node-1-vnode-7"));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5})
    void replicasAreTheFirstDistinctNodesClockwise(int nodeCount) {
        List<String> nodes = nodeNames(nodeCount);
        Ring ring = ring(nodes, StorageNode.DEFAULT_VIRTUAL_NODES);
        List<ModelVnode> model = modelVnodes(nodes, StorageNode.DEFAULT_VIRTUAL_NODES);

        for (int k = 0; k < 200; k++) {
            String tenant = "tenant-" + (k % 3);
            String key = "key-" + k;
            BigInteger keyPosition = modelHash(tenant + ":" + key);
            for (int rf = 1; rf <= nodeCount; rf++) {
                assertThat(names(ring.replicasFor(Token.forKey(tenant, key), rf)))
                        .as("%s/%s at RF %d on %d nodes", tenant, key, rf, nodeCount)
                        .isEqualTo(modelReplicas(model, keyPosition, rf))
                        .hasSize(rf)
                        .doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void aKeyPastTheLastVnodeWrapsToTheFirstVnode() {
        List<String> nodes = nodeNames(3);
        Ring ring = ring(nodes, 1);
        List<ModelVnode> model = modelVnodes(nodes, 1);
        BigInteger last = model.getLast().position();

        String key = IntStream.range(0, 100_000).mapToObj(i -> "k" + i)
                .filter(k -> modelHash("acme:" + k).compareTo(last) > 0)
                .findFirst().orElseThrow(() -> new AssertionError("no key lands past the last vnode"));

        assertThat(names(ring.replicasFor(Token.forKey("acme", key), 3)))
                .containsExactly(model.get(0).node(), model.get(1).node(), model.get(2).node());
    }

    @Test
    void theMaximumTokenWrapsToTheFirstVnode() {
        List<String> nodes = nodeNames(4);
        Ring ring = ring(nodes, 2);
        List<ModelVnode> model = modelVnodes(nodes, 2);

        assertThat(names(ring.replicasFor(Token.MAX, 1))).containsExactly(model.getFirst().node());
        assertThat(names(ring.replicasFor(Token.MIN, 1))).containsExactly(model.getFirst().node());
    }

    @Test
    void aTokenEqualToAVnodePositionBelongsToThatVnode() {
        List<String> nodes = nodeNames(3);
        Ring ring = ring(nodes, 20);
        List<ModelVnode> model = modelVnodes(nodes, 20);

        for (int i = 0; i < model.size(); i++) {
            Token position = new Token(model.get(i).position().longValue());
            Token justAfter = new Token(position.value() + 1);
            assertThat(names(ring.replicasFor(position, 1))).containsExactly(model.get(i).node());
            assertThat(names(ring.replicasFor(justAfter, 1)))
                    .containsExactly(model.get((i + 1) % model.size()).node());
        }
    }

    @Test
    void aReplicationFactorAboveTheNodeCountIsRefused() {
        Ring ring = ring(nodeNames(3), 150);

        assertThatThrownBy(() -> ring.replicasFor(Token.forKey("acme", "k"), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4").hasMessageContaining("3 nodes");
        assertThatThrownBy(() -> ring.replicasFor(Token.forKey("acme", "k"), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.empty().replicasFor(Token.MIN, 1))
                .isInstanceOf(IllegalArgumentException.class);

        Instant t = Instant.EPOCH;
        TopologyView view = TopologyView.of(new Topology(1, nodeNames(3).stream()
                .map(n -> new StorageNode(new NodeId(n), n, 7000, 150, NodeState.NORMAL, Liveness.UP, t, t))
                .toList()));
        assertThat(view.replicasFor(Token.forKey("acme", "k"), 4)).isEmpty();
        assertThat(view.replicasFor(Token.forKey("acme", "k"), 3)).isPresent();
    }

    @Test
    void aNodeCannotJoinTheRingTwice() {
        NodeId n = new NodeId("node-1");
        assertThatThrownBy(() -> Ring.of(List.of(new Ring.Member(n, 3), new Ring.Member(n, 5))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- ownership ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5})
    void rangesCoverTheRingExactlyOnce(int nodeCount) {
        Ring ring = ring(nodeNames(nodeCount), 150);
        List<Ring.OwnedRange> ranges = ring.ranges();

        assertThat(ranges).hasSize(nodeCount * 150);
        BigInteger covered = BigInteger.ZERO;
        for (int i = 0; i < ranges.size(); i++) {
            TokenRange r = ranges.get(i).range();
            TokenRange previous = ranges.get((i - 1 + ranges.size()) % ranges.size()).range();
            assertThat(r.start()).as("range %d starts where the previous one ends", i).isEqualTo(previous.end());
            BigInteger width = unsigned(r.end()).subtract(unsigned(r.start())).mod(RING_SIZE);
            covered = covered.add(width.signum() == 0 ? RING_SIZE : width);
        }
        assertThat(covered).isEqualTo(RING_SIZE);
        assertThat(ranges.stream().filter(r -> r.range().wraps())).hasSize(1);

        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            Token t = new Token(random.nextLong());
            assertThat(ranges.stream().filter(r -> r.range().contains(t))).as("ranges holding %s", t).hasSize(1);
        }
        for (Token edge : List.of(Token.MIN, Token.MAX, ranges.getFirst().range().end())) {
            assertThat(ranges.stream().filter(r -> r.range().contains(edge))).as("ranges holding %s", edge).hasSize(1);
        }
    }

    @Test
    void eachRangesPrimaryOwnsItsEndVnodeAndEveryTokenInside() {
        List<String> nodes = nodeNames(4);
        Ring ring = ring(nodes, 150);
        List<ModelVnode> model = modelVnodes(nodes, 150);
        List<Ring.OwnedRange> ranges = ring.ranges();

        for (int i = 0; i < ranges.size(); i++) {
            Ring.OwnedRange r = ranges.get(i);
            assertThat(unsigned(r.range().end())).isEqualTo(model.get(i).position());
            assertThat(r.primary().value()).isEqualTo(model.get(i).node());
            assertThat(ring.replicasFor(r.range().end(), 1)).containsExactly(r.primary());
            Token firstInside = new Token(r.range().start().value() + 1);
            assertThat(ring.replicasFor(firstInside, 1)).containsExactly(r.primary());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void ownershipPercentagesSumToOneHundred(int nodeCount) {
        Map<NodeId, Double> share = ring(nodeNames(nodeCount), 150).ownershipPercent();

        assertThat(share).hasSize(nodeCount);
        assertThat(share.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(100.0, within(1e-6));
        assertThat(share.values()).allSatisfy(p -> assertThat(p).isGreaterThan(0.0));
    }

    @Test
    void aSingleVnodeOwnsTheWholeRing() {
        Ring ring = ring(List.of("solo"), 1);

        assertThat(ring.ownershipPercent()).containsOnly(Map.entry(new NodeId("solo"), 100.0));
        assertThat(ring.ranges()).singleElement().satisfies(r -> {
            assertThat(r.range().contains(Token.MIN)).isTrue();
            assertThat(r.range().contains(Token.MAX)).isTrue();
            assertThat(r.range().contains(r.range().end())).isTrue();
        });
    }

    // ---- tokens and ranges ----------------------------------------------------------------

    @Test
    void tokensCompareUnsigned() {
        Token topBitSet = new Token(Long.MIN_VALUE);
        Token largestWithoutTopBit = new Token(Long.MAX_VALUE);

        assertThat(topBitSet).isGreaterThan(largestWithoutTopBit);
        assertThat(Token.MAX).isGreaterThan(topBitSet);
        assertThat(Token.MIN).isLessThan(new Token(1));
        assertThat(Token.MAX.toString()).isEqualTo("18446744073709551615");
        assertThat(Token.parseUnsigned("18446744073709551615")).isEqualTo(Token.MAX);
    }

    @Test
    void aNonWrappingRangeHoldsTokensAfterItsStartUpToItsEnd() {
        TokenRange r = new TokenRange(new Token(10), new Token(20));

        assertThat(r.wraps()).isFalse();
        assertThat(r.contains(new Token(11))).isTrue();
        assertThat(r.contains(new Token(20))).isTrue();
        assertThat(r.contains(new Token(10))).isFalse();
        assertThat(r.contains(new Token(21))).isFalse();
        assertThat(r.contains(Token.MIN)).isFalse();
        assertThat(r.contains(Token.MAX)).isFalse();
    }

    @Test
    void aRangeEndingAboveTheSignedMaximumDoesNotWrap() {
        // signed comparison would take start 100 > end 2^63 and call this range wrapping
        TokenRange r = new TokenRange(new Token(100), new Token(Long.MIN_VALUE));

        assertThat(r.wraps()).isFalse();
        assertThat(r.contains(new Token(Long.MAX_VALUE))).isTrue();
        assertThat(r.contains(new Token(Long.MIN_VALUE))).isTrue();
        assertThat(r.contains(Token.MAX)).isFalse();
        assertThat(r.contains(new Token(50))).isFalse();
        assertThat(r.fractionOfRing()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aWrappingRangeHoldsTokensPastItsStartAndUpToItsEnd() {
        TokenRange r = new TokenRange(new Token(-6L), new Token(5)); // (2^64 - 6, 5]

        assertThat(r.wraps()).isTrue();
        assertThat(r.contains(new Token(-5L))).isTrue();
        assertThat(r.contains(Token.MAX)).isTrue();
        assertThat(r.contains(Token.MIN)).isTrue();
        assertThat(r.contains(new Token(5))).isTrue();
        assertThat(r.contains(new Token(-6L))).isFalse();
        assertThat(r.contains(new Token(6))).isFalse();
        assertThat(r.contains(new Token(Long.MIN_VALUE))).isFalse();
        assertThat(r.fractionOfRing()).isCloseTo(11.0 / Math.pow(2, 64), within(1e-25));
    }

    @Test
    void aRangeFromATokenToItselfIsTheWholeRing() {
        TokenRange r = new TokenRange(new Token(7), new Token(7));

        assertThat(r.contains(new Token(7))).isTrue();
        assertThat(r.contains(Token.MIN)).isTrue();
        assertThat(r.contains(Token.MAX)).isTrue();
        assertThat(r.fractionOfRing()).isEqualTo(1.0);
    }
}
