package io.pairdb.core.repair;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.TokenRange;
import java.util.Objects;

/** How the repair of one range of one tenant ended. */
public sealed interface RangeRepairOutcome {
    TokenRange range();

    /** What was done, up to the end or the failure. */
    RepairReport report();

    /** Every replica now holds the resolved version of every key the range held when compared (in a dry run: nothing was written). */
    record Repaired(TokenRange range, RepairReport report) implements RangeRepairOutcome {
        public Repaired {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(report, "report");
        }
    }

    /** A replica failed or did not answer; what was written before stays (every write was conditional). */
    record ReplicaFailed(TokenRange range, NodeId node, String reason, RepairReport report) implements RangeRepairOutcome {
        public ReplicaFailed {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(report, "report");
        }
    }
}
