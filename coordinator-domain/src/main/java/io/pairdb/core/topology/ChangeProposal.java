package io.pairdb.core.topology;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.tenant.Tenant;
import java.util.List;
import java.util.Objects;

/**
 * A change checked and planned by {@link AddNode} or {@link RemoveNode} against one stored topology,
 * not started: what a dry run shows. {@code node} is the node as the change would make it
 * (BOOTSTRAPPING or LEAVING); {@code refusals} are the checks that would refuse the real request,
 * in the order it makes them (the first is the one it answers), empty when it would start. Immutable.
 */
public record ChangeProposal(Topology topology, List<Tenant> tenants, TopologyChange change, StorageNode node,
                            List<StartOutcome> refusals, List<RangeRelease> releases) {
    public ChangeProposal {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(node, "node");
        tenants = List.copyOf(tenants);
        refusals = List.copyOf(refusals);
        releases = List.copyOf(releases);
    }

    /** How planning ended: a refusal that leaves nothing to plan, or a plan. */
    public sealed interface Check {
        /** The request is refused before anything can be planned (unknown node, id taken, ...). */
        record Refused(StartOutcome outcome) implements Check {
        }

        record Planned(ChangeProposal plan) implements Check {
        }
    }
}
