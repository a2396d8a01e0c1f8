package io.pairdb.cli.node;

import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.cli.output.TextTable;
import io.pairdb.proto.admin.v1.ChangePlan;
import io.pairdb.proto.admin.v1.ChangeType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A dry run's plan as the CLI prints it: the coordinator computed it with the code that plans the
 * real change, so ranges, targets and sources are what the change would stream if started now.
 *
 * @param estimatedKeys null when some source did not report a key count
 * @param estimatedBytes null when the keys or the entry size are unknown
 * @param wouldBeRefused the real request would be refused for a blocking warning
 */
record PlanView(String type, String nodeId, long ringEpoch, boolean force, List<Ownership> ownership,
                List<Stream> streams, int unrecoverableRanges, Long estimatedKeys, Long estimatedBytes,
                List<Warning> warnings, boolean wouldBeRefused) {

    record Ownership(String nodeId, double beforePercent, double afterPercent) {
    }

    /** A range stream the change would run; tokens as unsigned decimal strings. */
    record Stream(int index, String startExclusive, String endInclusive, String target, List<String> sources,
                  List<Integer> replicationFactors, List<String> tenants, Long estimatedKeys) {
    }

    record Warning(String reason, String message, boolean blocking) {
    }

    /** The JSON/YAML document of a dry run. */
    record DryRun(NodeView node, long ringEpoch, PlanView plan) {
    }

    static PlanView from(ChangePlan p) {
        return new PlanView(
                p.getType() == ChangeType.CHANGE_TYPE_ADD_NODE ? "ADD_NODE"
                        : p.getType() == ChangeType.CHANGE_TYPE_REMOVE_NODE ? "REMOVE_NODE" : "UNKNOWN",
                p.getNodeId(), p.getRingEpoch(), p.getForce(),
                p.getOwnershipList().stream().map(o -> new Ownership(o.getNodeId(), o.getBeforePercent(),
                        o.getAfterPercent())).toList(),
                p.getStreamsList().stream().map(ps -> {
                    var s = ps.getStream();
                    return new Stream(s.getIndex(), Long.toUnsignedString(s.getStartExclusive()),
                            Long.toUnsignedString(s.getEndInclusive()), s.getTargetNodeId(), s.getSourceNodeIdsList(),
                            s.getReplicationFactorsList(), s.getTenantIdsList(),
                            ps.hasEstimatedKeys() ? ps.getEstimatedKeys() : null);
                }).toList(),
                p.getUnrecoverableRanges(),
                p.hasEstimatedKeys() ? p.getEstimatedKeys() : null,
                p.hasEstimatedBytes() ? p.getEstimatedBytes() : null,
                p.getWarningsList().stream().map(w -> new Warning(w.getReason(), w.getMessage(), w.getBlocking())).toList(),
                p.getWarningsList().stream().anyMatch(w -> w.getBlocking()));
    }

    /**
     * Prints the dry run and answers its exit code: 0 when the real request would start,
     * {@value ExitCodes#SERVER_ERROR} when the coordinator would refuse it (the reason goes to stderr).
     */
    static int print(CommonOptions options, NodeView node, PlanView plan) {
        options.print(new DryRun(node, plan.ringEpoch(), plan), plan.text());
        if (!plan.wouldBeRefused()) {
            return ExitCodes.OK;
        }
        plan.warnings().stream().filter(Warning::blocking).findFirst().ifPresent(w ->
                options.err().println("error: the real request would be refused: " + w.message() + " (" + w.reason() + ")"));
        options.err().flush();
        return ExitCodes.SERVER_ERROR;
    }

    String text() {
        String verb = "ADD_NODE".equals(type) ? "add" : "remove";
        StringBuilder text = new StringBuilder("DRY RUN: %s node %s%s, planned against ring epoch %d; nothing was changed%n%n"
                .formatted(verb, nodeId, force ? " (streaming from the surviving replicas)" : "", ringEpoch));
        TextTable owners = TextTable.withColumns("NODE", "OWNS NOW", "OWNS AFTER", "CHANGE");
        ownership.forEach(o -> owners.row(o.nodeId(), percent(o.beforePercent()), percent(o.afterPercent()),
                String.format(Locale.ROOT, "%+.1f", o.afterPercent() - o.beforePercent())));
        text.append(owners.render()).append('\n');
        if (streams.isEmpty()) {
            text.append("Nothing to stream.\n");
        } else {
            Map<String, int[]> ranges = new LinkedHashMap<>();
            Map<String, Long> keys = new LinkedHashMap<>();
            Map<String, Set<String>> sources = new LinkedHashMap<>();
            for (Stream s : streams) {
                ranges.computeIfAbsent(s.target(), k -> new int[1])[0]++;
                keys.merge(s.target(), s.estimatedKeys() == null ? -1L : s.estimatedKeys(),
                        (a, b) -> a < 0 || b < 0 ? -1L : a + b);
                sources.computeIfAbsent(s.target(), k -> new LinkedHashSet<>()).add(s.sources().getFirst());
            }
            TextTable targets = TextTable.withColumns("TARGET", "RANGES", "EST. KEYS", "FROM");
            ranges.forEach((target, count) -> targets.row(target, count[0],
                    keys.get(target) < 0 ? "unknown" : keys.get(target), String.join(",", sources.get(target))));
            text.append(targets.render()).append('\n');
            text.append("Ranges to stream: %d; estimated keys: %s; estimated bytes: %s%n".formatted(streams.size(),
                    estimatedKeys == null ? "unknown" : estimatedKeys,
                    estimatedBytes == null ? "unknown" : ChangeView.bytesText(estimatedBytes)));
        }
        if (unrecoverableRanges > 0) {
            text.append("Ranges no surviving replica holds: ").append(unrecoverableRanges).append('\n');
        }
        if (!warnings.isEmpty()) {
            text.append("Warnings:\n");
            warnings.forEach(w -> text.append(w.blocking() ? "  ! " : "  - ").append(w.reason())
                    .append(w.blocking() ? " (the request would be refused): " : ": ").append(w.message()).append('\n'));
        }
        text.append(wouldBeRefused ? "The coordinator would refuse this request now.\n"
                : "Run it without --dry-run to start it (the plan is made again then, against the ring as it is).\n");
        return text.toString();
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f%%", value);
    }
}
