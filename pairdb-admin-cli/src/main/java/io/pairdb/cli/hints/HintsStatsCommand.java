package io.pairdb.cli.hints;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.admin.v1.NodeHintStats;
import io.pairdb.proto.admin.v1.NodeLiveness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "stats", description = {
    "Shows the hints waiting for each storage node and the age of the oldest, "
    + "and what the answering coordinator has replayed and dropped since it started."})
final class HintsStatsCommand implements Callable<Integer> {

    private final CommonOptions options;

    HintsStatsCommand(CommonOptions options) {
        this.options = options;
    }

    /** One node's line of {@code hints stats}. */
    record NodeHints(String nodeId, String liveness, long pending, Instant oldestCreatedAt, Long oldestAgeMs,
                     long replayed, long failedDeliveries, Dropped dropped) {
        static NodeHints from(NodeHintStats n) {
            return new NodeHints(n.getNodeId(), livenessName(n.getLiveness()), n.getPending(),
                    Times.instant(n.hasOldestCreatedAt(), n.getOldestCreatedAt()),
                    n.hasOldestCreatedAt() ? n.getOldestAgeMs() : null,
                    n.getReplayed(), n.getFailedDeliveries(), Dropped.from(n.getDropped()));
        }
    }

    /** The JSON document of {@code hints stats}. */
    record Stats(List<NodeHints> nodes, Instant takenAt, String coordinatorId, Instant countingSince) {
    }

    @Override
    public Integer call() {
        var response = options.admin().getHintStats(GetHintStatsRequest.getDefaultInstance());
        List<NodeHints> nodes = response.getNodesList().stream().map(NodeHints::from).toList();
        Stats stats = new Stats(nodes, Times.instant(response.hasTakenAt(), response.getTakenAt()),
                response.getCoordinatorId(), Times.instant(response.hasCountingSince(), response.getCountingSince()));
        return options.print(stats, text(stats));
    }

    private static String text(Stats stats) {
        if (stats.nodes().isEmpty()) {
            return "No storage nodes and no hints.";
        }
        TextTable table = TextTable.withColumns("NODE", "STATUS", "PENDING", "OLDEST", "REPLAYED", "FAILED", "DROPPED");
        stats.nodes().forEach(n -> table.row(n.nodeId(), n.liveness(), n.pending(),
                n.oldestAgeMs() == null ? null : age(Duration.ofMillis(n.oldestAgeMs())), n.replayed(),
                n.failedDeliveries(), n.dropped().text()));
        return table.render() + "Replayed, failed and dropped: by coordinator " + stats.coordinatorId() + " since "
                + Times.text(stats.countingSince()) + "\n";
    }

    /** The coarsest two units: {@code 45s}, {@code 3m12s}, {@code 5h07m}, {@code 6d23h}. */
    static String age(Duration age) {
        long s = age.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return "%dm%02ds".formatted(s / 60, s % 60);
        }
        if (s < 86_400) {
            return "%dh%02dm".formatted(s / 3600, s % 3600 / 60);
        }
        return "%dd%02dh".formatted(s / 86_400, s % 86_400 / 3600);
    }

    private static String livenessName(NodeLiveness liveness) {
        return switch (liveness) {
            case NODE_LIVENESS_UP -> "UP";
            case NODE_LIVENESS_DOWN -> "DOWN";
            case NODE_LIVENESS_UNSPECIFIED, UNRECOGNIZED -> "-";
        };
    }
}
