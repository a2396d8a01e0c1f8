package io.pairdb.cli.repair;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.RepairRun;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "status", description = {
    "Lists repair runs, newest first (or the one named): state, what it repairs, ranges done of total, keys",
    "repaired, when it started and ended, and the coordinator running it. ABANDONED: its coordinator stopped",
    "without ending it; another coordinator takes it over and goes on from the ranges done."})
final class RepairStatusCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Only this run.")
    private String runId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default: ${DEFAULT-VALUE}).")
    private int limit;

    RepairStatusCommand(CommonOptions options) {
        this.options = options;
    }

    /** One run as {@code repair status} shows it. */
    record Run(String runId, String state, String tenantId, String nodeId, boolean dryRun, long ringEpoch,
               int rangesDone, int rangesTotal, long keysRepaired, Instant startedAt, Instant finishedAt,
               String coordinatorId) {
        static Run from(RepairRun r) {
            return new Run(r.getRunId(), r.getState(), r.getTenantId(), r.getNodeId(), r.getDryRun(), r.getRingEpoch(),
                    r.getRangesDone(), r.getRangesTotal(), r.getKeysRepaired(), Times.instant(true, r.getStartedAt()),
                    Times.instant(r.hasFinishedAt(), r.getFinishedAt()), r.getCoordinatorId());
        }

        String scope() {
            String tenant = tenantId.isEmpty() ? "every tenant" : "tenant " + tenantId;
            return tenant + (nodeId.isEmpty() ? "" : ", node " + nodeId) + (dryRun ? " (dry run)" : "");
        }
    }

    /** The JSON document of {@code repair status}. */
    record Listed(List<Run> runs) {
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
        }
        ListRepairRunsRequest.Builder request = ListRepairRunsRequest.newBuilder().setLimit(limit);
        if (runId != null) {
            request.setRunId(runId);
        }
        List<Run> runs = options.admin().listRepairRuns(request.build()).getRunsList().stream().map(Run::from).toList();
        if (runId != null && runs.isEmpty()) {
            throw CommandFailure.server("no repair run " + runId + "; pairdb-admin repair status lists them");
        }
        return options.print(new Listed(runs), text(runs));
    }

    private static String text(List<Run> runs) {
        if (runs.isEmpty()) {
            return "No repair runs.";
        }
        TextTable table = TextTable.withColumns("RUN", "STATE", "SCOPE", "RANGES", "KEYS REPAIRED", "STARTED", "FINISHED",
                "COORDINATOR");
        runs.forEach(r -> table.row(r.runId(), r.state(), r.scope(), r.rangesDone() + "/" + r.rangesTotal(),
                r.keysRepaired(), Times.text(r.startedAt()), Times.text(r.finishedAt()),
                r.coordinatorId().isEmpty() ? "-" : r.coordinatorId()));
        return table.render();
    }
}
