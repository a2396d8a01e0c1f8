package io.pairdb.core.topology;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.CountKeys;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.topology.EstimateChange.ChangePlan;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Dry runs of node additions and removals: the same checks and plan as the real request
 * ({@link AddNode#plan}, {@link RemoveNode#plan}), figures from {@link EstimateChange}, and nothing
 * written. Key counts come from the health answers of the plan's source nodes, asked in parallel
 * within the health timeout; a node that does not answer in time counts as unknown. Thread-safe.
 */
public final class DryRunChanges {
    /** How many recent changes the average entry size is taken from. */
    private static final int SIZE_SAMPLE_CHANGES = 20;

    /** A dry run refused before anything could be planned, or the plan. */
    public sealed interface Outcome {
        record Refused(StartOutcome outcome) implements Outcome {
        }

        record Planned(ChangePlan plan) implements Outcome {
        }
    }

    private final AddNode addNode;
    private final RemoveNode removeNode;
    private final ChangeStore changes;
    private final CountKeys countKeys;

    public DryRunChanges(AddNode addNode, RemoveNode removeNode, ChangeStore changes, StorageHealth health,
                         Scheduler scheduler, ChangeSettings settings) {
        this.addNode = Objects.requireNonNull(addNode, "addNode");
        this.removeNode = Objects.requireNonNull(removeNode, "removeNode");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.countKeys = new CountKeys(health, scheduler, settings.nodeChecks().healthTimeout());
    }

    /** @throws PairDbException if a store cannot be reached */
    public Outcome add(NodeId id, String host, int port, int virtualNodes, boolean allowExistingData) {
        return preview(addNode.plan(id, host, port, virtualNodes, allowExistingData));
    }

    /** @throws PairDbException if a store cannot be reached */
    public Outcome remove(NodeId id, boolean force) {
        return preview(removeNode.plan(id, force));
    }

    private Outcome preview(ChangeProposal.Check check) {
        return switch (check) {
            case ChangeProposal.Check.Refused refused -> new Outcome.Refused(refused.outcome());
            case ChangeProposal.Check.Planned planned -> new Outcome.Planned(
                    EstimateChange.of(planned.plan(), keyCounts(planned.plan()), bytesPerKey()));
        };
    }

    private Map<NodeId, Long> keyCounts(ChangeProposal planned) {
        Set<NodeId> sources = new LinkedHashSet<>();
        planned.change().streams().forEach(s -> sources.addAll(s.sources()));
        // a node that cannot say is reported as unknown in the plan, not an error of the dry run
        return countKeys.of(planned.topology().nodes().stream().filter(n -> sources.contains(n.id())).toList());
    }

    /** Bytes per entry over the recent changes that copied anything; empty before the first. */
    private OptionalDouble bytesPerKey() {
        long keys = 0;
        long bytes = 0;
        List<TopologyChange> recent = changes.list(SIZE_SAMPLE_CHANGES);
        for (TopologyChange c : recent) {
            keys += c.totals().keys();
            bytes += c.totals().bytes();
        }
        return keys == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) bytes / keys);
    }
}
