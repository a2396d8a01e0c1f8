package io.pairdb.cli.cleanup;

import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ChangeCleanup;
import io.pairdb.proto.admin.v1.RangeCleanup;
import java.time.Instant;
import java.util.List;

/**
 * The cleanup of a topology change as the CLI prints it: what its former owners still hold and
 * what became of it, range by range.
 */
public record CleanupView(Instant dueAt, Totals totals, Forced forced, List<Range> ranges) {

    public record Totals(int ranges, int pending, int deleted, int skipped, int kept, long keysDeleted) {
    }

    public record Forced(String reason, String requestedBy, Instant forcedAt) {
    }

    /** One released range; tokens as unsigned decimal strings. */
    public record Range(int index, String startExclusive, String endInclusive, String node,
                        List<Integer> replicationFactors, List<String> tenants, String outcome, long keysDeleted,
                        String reason, Instant outcomeAt, int attempts, Instant lastAttemptAt) {
        static Range from(RangeCleanup r) {
            return new Range(r.getIndex(), Long.toUnsignedString(r.getStartExclusive()),
                    Long.toUnsignedString(r.getEndInclusive()), r.getNodeId(), r.getReplicationFactorsList(),
                    r.getTenantIdsList(), outcomeName(r), r.getKeysDeleted(), r.getReason().isEmpty() ? null : r.getReason(),
                    Times.instant(r.hasOutcomeAt(), r.getOutcomeAt()), r.getAttempts(),
                    Times.instant(r.hasLastAttemptAt(), r.getLastAttemptAt()));
        }
    }

    public static CleanupView from(ChangeCleanup c) {
        var t = c.getTotals();
        return new CleanupView(Times.instant(c.hasDueAt(), c.getDueAt()),
                new Totals(t.getRanges(), t.getPending(), t.getDeleted(), t.getSkipped(), t.getKept(), t.getKeysDeleted()),
                c.hasForced() ? new Forced(c.getForced().getReason(), c.getForced().getRequestedBy(),
                        Times.instant(c.getForced().hasForcedAt(), c.getForced().getForcedAt())) : null,
                c.getRangesList().stream().map(Range::from).toList());
    }

    private static String outcomeName(RangeCleanup r) {
        return switch (r.getOutcome()) {
            case CLEANUP_OUTCOME_PENDING -> "PENDING";
            case CLEANUP_OUTCOME_DELETED -> "DELETED";
            case CLEANUP_OUTCOME_SKIPPED -> "SKIPPED";
            case CLEANUP_OUTCOME_KEPT -> "KEPT";
            default -> "UNKNOWN";
        };
    }

    /** e.g. {@code 38/40 ranges done: 30 deleted (1200 keys), 8 kept, 2 skipped, 0 pending} */
    public String summary() {
        return (totals.deleted() + totals.kept()) + "/" + totals.ranges() + " ranges done: " + totals.deleted()
                + " deleted (" + totals.keysDeleted() + " keys), " + totals.kept() + " kept, " + totals.skipped()
                + " skipped, " + totals.pending() + " pending";
    }

    /** The cleanup as a section of {@code change get}: totals, when due, who forced it, and every skipped range. */
    public String text() {
        String fields = TextTable.fields(
                "CLEANUP", summary(),
                "CLEANUP DUE", dueAt == null ? "when the change completes" : Times.text(dueAt),
                "FORCED", forced == null ? null : "by " + forced.requestedBy() + " at " + Times.text(forced.forcedAt())
                        + ": " + forced.reason());
        List<Range> skipped = ranges.stream().filter(r -> "SKIPPED".equals(r.outcome())).toList();
        if (skipped.isEmpty()) {
            return fields;
        }
        TextTable table = TextTable.withColumns("#", "RANGE", "NODE", "ATTEMPTS", "SKIPPED BECAUSE");
        skipped.forEach(r -> table.row(r.index(), "(" + r.startExclusive() + ", " + r.endInclusive() + "]", r.node(),
                r.attempts(), r.reason()));
        return fields + "\n" + table.render();
    }
}
