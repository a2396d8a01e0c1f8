package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which streams of a change copy next when several copy at once. */
class PickStreamsTest {
    private static final NodeId TARGET = new NodeId("n4");

    private static RangeStream from(int index, String source) {
        return RangeStream.pending(index, new TokenRange(new Token(index * 10L), new Token(index * 10L + 5)), TARGET,
                List.of(new NodeId(source)), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
    }

    private static List<Integer> indexes(List<RangeStream> streams) {
        return streams.stream().map(RangeStream::index).toList();
    }

    private static NodeId source(RangeStream s) {
        return s.sources().getFirst();
    }

    @Test
    public void newStreamsAreSpreadOverTheSourceNodesRatherThanTakenInIndexOrder() {
        // the first streams all read from n1: in index order, n1 would serve all four
        List<RangeStream> ready = List.of(from(0, "n1"), from(1, "n1"), from(2, "n1"), from(3, "n1"), from(4, "n2"),
                from(5, "n2"), from(6, "n3"));

        List<RangeStream> picked = new PickStreams(4).pick(ready, List.of(), Set.of(), PickStreamsTest::source, 3);

        assertThat(indexes(picked)).containsExactly(0, 4, 6, 1);
    }

    @Test
    public void noNodeIsReadByMoreThanItsShareOfTheConcurrency() {
        List<RangeStream> ready = List.of(from(1, "n1"), from(2, "n1"), from(3, "n1"));
        List<RangeStream> running = List.of(from(0, "n1"));

        // 4 streams over 2 source nodes: at most 2 from n1, though slots are free
        assertThat(indexes(new PickStreams(4).pick(ready, running, Set.of(0), PickStreamsTest::source, 2)))
                .containsExactly(1);
    }

    @Test
    public void streamsUnderWayGoOnBeforeNewOnesAreBegun() {
        List<RangeStream> ready = List.of(from(0, "n1"), from(1, "n2"), from(2, "n3"), from(7, "n3"));

        List<RangeStream> picked = new PickStreams(2).pick(ready, List.of(), Set.of(7), PickStreamsTest::source, 3);

        assertThat(indexes(picked)).containsExactly(7, 0);
    }

    @Test
    public void nothingIsPickedWhileEverySlotIsTaken() {
        List<RangeStream> running = List.of(from(0, "n1"), from(1, "n2"));

        assertThat(new PickStreams(2).pick(List.of(from(2, "n3")), running, Set.of(0, 1), PickStreamsTest::source, 3))
                .isEmpty();
    }

    @Test
    public void aSingleSourceGetsEverySlot() {
        List<RangeStream> ready = List.of(from(0, "n1"), from(1, "n1"), from(2, "n1"));

        assertThat(indexes(new PickStreams(2).pick(ready, List.of(), Set.of(), PickStreamsTest::source, 1)))
                .containsExactly(0, 1);
    }

    @Test
    public void theConcurrencyIsAtLeastOne() {
        assertThatThrownBy(() -> new PickStreams(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
