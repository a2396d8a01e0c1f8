package io.pairdb.cli.repair;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.cli.change.ChangeWatcher;
import io.pairdb.cli.change.Watched;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.RepairRun;
import java.time.Duration;
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
    "Lists repair runs, newest first (or the one named): state, what it repairs, ranges done of total, keys "
    + "repaired, when it started and ended, and the coordinator running it. ABANDONED: its coordinator stopped "
    + "without ending it; another coordinator takes it over and goes on from the ranges done. "
    + "With RUN and --watch, follows the run until it ends (exit 0 when DONE, 2 when STOPPED)."})
final class RepairStatusCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Only this run.")
    private String runId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = {"-w", "--watch"}, description = "Follow RUN until it ends, with its progress (as change get --watch).")
    private boolean watch;

    RepairStatusCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** One run as {@code repair status} shows it. */
    record Run(String runId, String state, String tenantId, String nodeId, boolean dryRun, long ringEpoch,
               int rangesDone, int rangesTotal, long keysRepaired, long bytesMoved, Instant startedAt,
               Instant finishedAt, String coordinatorId) implements Watched {
        static Run from(RepairRun r) {
            return new Run(r.getRunId(), r.getState(), r.getTenantId(), r.getNodeId(), r.getDryRun(), r.getRingEpoch(),
                    r.getRangesDone(), r.getRangesTotal(), r.getKeysRepaired(), r.getBytesMoved(),
                    Times.instant(true, r.getStartedAt()),
                    Times.instant(r.hasFinishedAt(), r.getFinishedAt()), r.getCoordinatorId());
        }

        @Override
        public String id() {
            return runId;
        }

        @Override
        public String status() {
            return state;
        }

        /** RUNNING, or ABANDONED until another coordinator takes it over. */
        @Override
        public boolean running() {
            return "RUNNING".equals(state) || "ABANDONED".equals(state);
        }

        @Override
        public boolean succeeded() {
            return "DONE".equals(state);
        }

        @Override
        public long keys() {
            return keysRepaired;
        }

        @Override
        public String amounts() {
            return keysRepaired + (dryRun ? " keys differing, " : " keys repaired, ") + ChangeView.bytesText(bytesMoved)
                    + " moved";
        }

        @Override
        public String finalLine(Duration watched) {
            return "repair run %s %s: %d/%d ranges, %s (watched %s)".formatted(runId, state, rangesDone, rangesTotal,
                    amounts(), ChangeWatcher.duration(watched));
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
        if (watch && runId == null) {
            throw new ParameterException(spec.commandLine(), "--watch follows one run: name it (repair status RUN --watch)");
        }
        ListRepairRunsRequest.Builder request = ListRepairRunsRequest.newBuilder().setLimit(limit);
        if (runId != null) {
            request.setRunId(runId);
        }
        List<Run> runs = options.admin().listRepairRuns(request.build()).getRunsList().stream().map(Run::from).toList();
        if (runId != null && runs.isEmpty()) {
            throw CommandFailure.server("no repair run " + runId + "; pairdb-admin repair status lists them");
        }
        int printed = options.print(new Listed(runs), text(runs));
        if (!watch || !runs.getFirst().running()) {
            return watch ? (runs.getFirst().succeeded() ? printed : io.pairdb.cli.ExitCodes.SERVER_ERROR) : printed;
        }
        return ChangeWatcher.forCommand(options, host, id -> find(options, id)).watch(runId);
    }

    static Run find(CommonOptions options, String id) {
        return options.admin().listRepairRuns(ListRepairRunsRequest.newBuilder().setRunId(id).build()).getRunsList()
                .stream().findFirst().map(Run::from)
                .orElseThrow(() -> CommandFailure.server("repair run " + id + " is gone"));
    }

    private static String text(List<Run> runs) {
        if (runs.isEmpty()) {
            return "No repair runs.";
        }
        TextTable table = TextTable.withColumns("RUN", "STATE", "SCOPE", "RANGES", "KEYS REPAIRED", "MOVED", "STARTED",
                "FINISHED", "COORDINATOR");
        runs.forEach(r -> table.row(r.runId(), r.state(), r.scope(), r.rangesDone() + "/" + r.rangesTotal(),
                r.keysRepaired(), ChangeView.bytesText(r.bytesMoved()), Times.text(r.startedAt()), Times.text(r.finishedAt()),
                r.coordinatorId().isEmpty() ? "-" : r.coordinatorId()));
        return table.render();
    }
}
