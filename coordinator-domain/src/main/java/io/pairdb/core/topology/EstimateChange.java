package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a planned change would do, as a dry run shows it: each node's ownership before and after,
 * the ranges to stream with an estimate of the keys and bytes in them, and what to worry about.
 * Pure: the plan comes from {@link AddNode#plan} or {@link RemoveNode#plan}, the key counts from
 * the storage nodes.
 *
 * <p>The estimate assumes keys spread evenly over the token space (tokens are SHA-256 hashes):
 * a stream of range {@code r} carries about {@code keys(s) * width(r) / replicated(s)} keys, where
 * {@code s} is the stream's first source whose key count is known, {@code keys(s)} that count and
 * {@code replicated(s)} the share of the ring {@code s} replicates for the largest RF in use (the
 * ranges it holds data for). A stream restricted to some tenants is over-estimated. A stream none of
 * whose sources reported a count has no estimate, and then neither has the total. Bytes are the keys
 * times {@code bytesPerKey} (the average entry size of the changes streamed so far), unknown without it.
 */
public final class EstimateChange {
    /** A node's share of the token space it is primary for, in percent, before and after the change. */
    public record Ownership(NodeId node, double beforePercent, double afterPercent) {
    }

    /** A range stream of the plan and the keys it would copy, when they can be estimated. */
    public record PlannedStream(RangeStream stream, OptionalLong estimatedKeys) {
    }

    /**
     * Something the operator should read before running the change. {@code refusal} is set when
     * the real request would be refused for it (its error is the refusal's).
     */
    public sealed interface Warning {
        /** The real request would be refused (too few nodes, node down, conflicting change). */
        record WouldRefuse(StartOutcome refusal) implements Warning {
        }

        /** A forced removal of a node that does not answer: it streams from the surviving replicas. */
        record NodeDown(NodeId node, String reason) implements Warning {
        }

        /** Ranges no surviving replica holds: their data is lost with the node. */
        record ReplicasLost(NodeId node, int ranges) implements Warning {
        }

        /** A forced removal that leaves fewer NORMAL nodes than a tenant's RF. */
        record TooFewNodes(NodeId node, int remaining, int largestReplicationFactor) implements Warning {
        }

        /** These nodes gave no key count, so some estimates are missing. */
        record KeyCountsUnknown(List<NodeId> nodes) implements Warning {
            public KeyCountsUnknown {
                nodes = List.copyOf(nodes);
            }
        }
    }

    /**
     * The dry run's answer. {@code ringEpoch} is the epoch planned against; the real change would
     * introduce {@code change.ringEpoch()}.
     */
    public record ChangePlan(TopologyChange change, StorageNode node, long ringEpoch, List<Ownership> ownership,
                             List<PlannedStream> streams, OptionalLong estimatedKeys, OptionalLong estimatedBytes,
                             List<Warning> warnings) {
        public ChangePlan {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(node, "node");
            ownership = List.copyOf(ownership);
            streams = List.copyOf(streams);
            warnings = List.copyOf(warnings);
        }

        /** Whether the real request would be refused. */
        public boolean wouldBeRefused() {
            return warnings.stream().anyMatch(w -> w instanceof Warning.WouldRefuse);
        }
    }

    private EstimateChange() {
    }

    /**
     * @param keyCounts keys each node holds, for the nodes that answered; the others are unknown
     * @param bytesPerKey average bytes of a streamed entry, when known
     */
    public static ChangePlan of(ChangeProposal planned, Map<NodeId, Long> keyCounts, OptionalDouble bytesPerKey) {
        TopologyView before = TopologyView.of(planned.topology());
        TopologyChange change = planned.change();
        Ring current = before.currentRing();
        Ring after = after(before, planned);

        List<Ownership> ownership = ownership(current, after);

        int largestRf = planned.tenants().stream().mapToInt(Tenant::replicationFactor).max().orElse(1);
        Map<NodeId, Double> replicated = replicatedShare(current, Math.min(largestRf, Math.max(1, current.nodeCount())));
        Set<NodeId> unknown = new LinkedHashSet<>();
        List<PlannedStream> streams = new ArrayList<>();
        boolean allKnown = true;
        // summed before rounding: many small ranges of a few keys each add up
        double totalKeys = 0;
        for (RangeStream s : change.streams()) {
            OptionalDouble keys = estimate(s, keyCounts, replicated, unknown);
            if (keys.isPresent()) {
                totalKeys += keys.getAsDouble();
            } else {
                allKnown = false;
            }
            streams.add(new PlannedStream(s, keys.isPresent() ? OptionalLong.of(Math.round(keys.getAsDouble()))
                    : OptionalLong.empty()));
        }
        OptionalLong estimatedKeys = allKnown ? OptionalLong.of(Math.round(totalKeys)) : OptionalLong.empty();
        OptionalLong estimatedBytes = estimatedKeys.isPresent() && bytesPerKey.isPresent()
                ? OptionalLong.of(Math.round(estimatedKeys.getAsLong() * bytesPerKey.getAsDouble()))
                : OptionalLong.empty();

        List<Warning> warnings = new ArrayList<>();
        planned.refusals().forEach(r -> warnings.add(new Warning.WouldRefuse(r)));
        if (change.type() == ChangeType.REMOVE_NODE && planned.refusals().isEmpty()) {
            forcedRemovalWarnings(planned, warnings);
        }
        if (change.unrecoverableRanges() > 0) {
            warnings.add(new Warning.ReplicasLost(change.node().orElseThrow(), change.unrecoverableRanges()));
        }
        if (!unknown.isEmpty()) {
            warnings.add(new Warning.KeyCountsUnknown(List.copyOf(unknown)));
        }
        return new ChangePlan(change, planned.node(), planned.topology().epoch(), ownership, streams, estimatedKeys,
                estimatedBytes, warnings);
    }

    /** What a forced removal goes ahead with despite the checks that would refuse it unforced. */
    private static void forcedRemovalWarnings(ChangeProposal planned, List<Warning> warnings) {
        TopologyChange change = planned.change();
        if (change.force()) {
            warnings.add(new Warning.NodeDown(change.node().orElseThrow(), "it does not answer its health probe"));
        }
        int largestRf = planned.tenants().stream().mapToInt(Tenant::replicationFactor).max().orElse(0);
        int remaining = (int) planned.topology().nodes().stream()
                .filter(n -> n.state() == io.pairdb.core.node.NodeState.NORMAL && !n.id().equals(change.node().orElseThrow()))
                .count();
        if (remaining < largestRf) {
            warnings.add(new Warning.TooFewNodes(change.node().orElseThrow(), remaining, largestRf));
        }
    }

    /** The current ring as the change leaves it: the node added, or taken out. */
    private static Ring after(TopologyView before, ChangeProposal planned) {
        List<Ring.Member> members = new ArrayList<>();
        NodeId changed = planned.change().node().orElseThrow();
        for (StorageNode n : before.nodes()) {
            if (n.state().inCurrentRing() && !n.id().equals(changed)) {
                members.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
        }
        if (planned.change().type() == ChangeType.ADD_NODE) {
            members.add(new Ring.Member(changed, planned.node().virtualNodes()));
        }
        return Ring.of(members);
    }

    private static List<Ownership> ownership(Ring current, Ring after) {
        Map<NodeId, Double> beforeShare = current.ownershipPercent();
        Map<NodeId, Double> afterShare = after.ownershipPercent();
        Set<NodeId> nodes = new LinkedHashSet<>();
        current.ranges().forEach(r -> nodes.add(r.primary()));
        after.ranges().forEach(r -> nodes.add(r.primary()));
        return nodes.stream().sorted(java.util.Comparator.comparing(NodeId::value))
                .map(n -> new Ownership(n, beforeShare.getOrDefault(n, 0.0), afterShare.getOrDefault(n, 0.0)))
                .toList();
    }

    /** The share of the ring, in [0, 1], each node replicates for {@code rf}. */
    static Map<NodeId, Double> replicatedShare(Ring ring, int rf) {
        Map<NodeId, Double> share = new HashMap<>();
        if (ring.isEmpty()) {
            return share;
        }
        if (ring.ranges().size() == 1) {
            share.put(ring.ranges().getFirst().primary(), 1.0);
            return share;
        }
        for (Ring.OwnedRange r : ring.ranges()) {
            double width = r.range().fractionOfRing();
            for (NodeId n : ring.replicasFor(r.range().end(), rf)) {
                share.merge(n, width, Double::sum);
            }
        }
        return share;
    }

    private static OptionalDouble estimate(RangeStream s, Map<NodeId, Long> keyCounts, Map<NodeId, Double> replicated,
                                           Set<NodeId> unknown) {
        for (NodeId source : s.sources()) {
            Long count = keyCounts.get(source);
            if (count == null) {
                unknown.add(source);
                continue;
            }
            double share = replicated.getOrDefault(source, 0.0);
            if (share <= 0) {
                return OptionalDouble.of(0);
            }
            return OptionalDouble.of(count * width(s.range()) / share);
        }
        return OptionalDouble.empty();
    }

    private static double width(TokenRange range) {
        // start == end is the whole ring, which fractionOfRing reads as an empty range
        return range.start().equals(range.end()) ? 1.0 : range.fractionOfRing();
    }

    /** The first warning that would refuse the real request, if any. */
    public static Optional<StartOutcome> refusal(ChangePlan plan) {
        return plan.warnings().stream().filter(w -> w instanceof Warning.WouldRefuse)
                .map(w -> ((Warning.WouldRefuse) w).refusal()).findFirst();
    }
}
