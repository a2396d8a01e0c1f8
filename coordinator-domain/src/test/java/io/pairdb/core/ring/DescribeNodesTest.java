package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.DescribeNodes.Listed;
import org.junit.jupiter.api.Test;

class DescribeNodesTest {
    private final SharedRing ring = new SharedRing().withNodes(3);

    @Test
    void everyNodeIsListedWithItsShareOfTheRingAndTheSharesMakeTheWhole() {
        DescribeNodes.Listing listing = new DescribeNodes(ring.topology).describe();

        assertThat(listing.nodes()).extracting(l -> l.node().id().value()).containsExactly("node-1", "node-2", "node-3");
        assertThat(listing.nodes()).allSatisfy(l -> assertThat(l.ownershipPercent()).isPositive());
        assertThat(listing.nodes().stream().mapToDouble(Listed::ownershipPercent).sum()).isCloseTo(100.0, within(0.001));
        assertThat(listing.ringEpoch()).isEqualTo(ring.topology.current().epoch());
    }

    @Test
    void aNodeRegisteredByAnotherCoordinatorIsListedWithoutWaitingForTheNextRefresh() {
        ring.elsewhere.register(new NodeId("node-4"), "10.0.0.4", 7000, 8);

        DescribeNodes.Listing listing = new DescribeNodes(ring.topology).describe();

        assertThat(listing.nodes()).extracting(l -> l.node().id().value()).contains("node-4");
        assertThat(listing.ringEpoch()).isEqualTo(ring.elsewhere.current().epoch());
    }
}
