package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChangeConflictsTest {
    private static TokenRange range(long start, long end) {
        return new TokenRange(new Token(start), new Token(end));
    }

    @Test
    public void rangesOverlapWhenTheyShareAToken() {
        assertThat(ChangeConflicts.overlap(range(10, 20), range(19, 30))).isTrue();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(20, 30))).as("(10,20] and (20,30] share nothing").isFalse();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(0, 10))).isFalse();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(12, 13))).isTrue();
    }

    @Test
    public void wrappingRangesAndTheWholeRingOverlapAsTheyShould() {
        TokenRange wrapping = range(-100L, 50); // (2^64-100, 50]
        assertThat(ChangeConflicts.overlap(wrapping, range(40, 60))).isTrue();
        assertThat(ChangeConflicts.overlap(wrapping, range(50, 60))).isFalse();
        assertThat(ChangeConflicts.overlap(wrapping, range(-200L, -150L))).isFalse();
        assertThat(ChangeConflicts.overlap(wrapping, range(-200L, -99L))).isTrue();
        assertThat(ChangeConflicts.overlap(range(7, 7), range(100, 101))).as("start == end is the whole ring").isTrue();
        assertThat(ChangeConflicts.overlap(range(-1L, 5), range(0, 1))).isTrue();
    }

    private static final NodeId STALE = new NodeId("n1");

    private static TopologyChange streaming(RangeStream stream) {
        return new TopologyChange(ChangeId.of(ChangeType.ADD_NODE, new NodeId("n9"), 9), ChangeType.ADD_NODE,
                new NodeId("n9"), ChangeStatus.IN_PROGRESS, 9, false, 0, List.of(stream), Instant.EPOCH, Instant.EPOCH,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static RangeStream stream(TokenRange range, NodeId target, NodeId source, TenantFilter tenants) {
        return RangeStream.pending(0, range, target, List.of(source), new TreeSet<>(Set.of(3)), tenants);
    }

    private static RangeCleanup left(TokenRange range, TenantFilter tenants) {
        return RangeCleanup.pending(new ChangeId("add-node-n4-e3"),
                new RangeRelease(0, range, STALE, new TreeSet<>(Set.of(3)), tenants));
    }

    @Test
    public void anUncleanedCopyHoldsBackOnlyAStreamOntoItsNodeOverItsRangeForATenantItHolds() {
        TenantFilter t = new TenantFilter.Only(List.of(new TenantId("t")));
        TenantFilter u = new TenantFilter.Only(List.of(new TenantId("u")));
        TenantFilter tu = new TenantFilter.Only(List.of(new TenantId("u"), new TenantId("t")));
        NodeId other = new NodeId("n2");

        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), STALE, other, TenantFilter.ALL)),
                left(range(15, 30), TenantFilter.ALL))).get(as(STRING)).contains("node n1 still holds range (15, 30]")
                .contains("add-node-n4-e3");
        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), STALE, other, t)),
                left(range(15, 30), tu))).isPresent();
        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), STALE, other, TenantFilter.ALL)),
                left(range(15, 30), u))).isPresent();
        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), STALE, other, t)),
                left(range(15, 30), u))).as("another tenant's copy").isEmpty();
        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), STALE, other, TenantFilter.ALL)),
                left(range(20, 30), TenantFilter.ALL))).as("no token in common").isEmpty();
        assertThat(ChangeConflicts.withUncleanedCopy(streaming(stream(range(10, 20), other, STALE, TenantFilter.ALL)),
                left(range(15, 30), TenantFilter.ALL))).as("the copy's node as a source").isEmpty();
    }
}
