package io.pairdb.core.cleanup;

import io.pairdb.core.topology.ChangeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Every released range of one change and its cleanup, and whether the cleanup was forced. */
public record ChangeCleanup(ChangeId change, List<RangeCleanup> ranges, Optional<CleanupOrder> forced) {
    public ChangeCleanup {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(forced, "forced");
        ranges = List.copyOf(ranges);
    }

    /** Counts per outcome, for a summary. */
    public record Totals(int ranges, int pending, int deleted, int skipped, int kept, long keysDeleted) {
    }

    public Totals totals() {
        int pending = 0;
        int deleted = 0;
        int skipped = 0;
        int kept = 0;
        long keys = 0;
        for (RangeCleanup r : ranges) {
            switch (r.outcome()) {
                case CleanupOutcome.Pending p -> pending++;
                case CleanupOutcome.Deleted d -> {
                    deleted++;
                    keys += d.keys();
                }
                case CleanupOutcome.Skipped s -> skipped++;
                case CleanupOutcome.Kept k -> kept++;
            }
        }
        return new Totals(ranges.size(), pending, deleted, skipped, kept, keys);
    }

    public boolean isDone() {
        return ranges.stream().allMatch(r -> r.outcome().isFinal());
    }
}
