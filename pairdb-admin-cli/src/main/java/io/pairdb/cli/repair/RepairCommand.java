package io.pairdb.cli.repair;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.Host;
import io.pairdb.cli.TimeoutConverter;
import io.pairdb.cli.change.ChangeWatcher;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.RepairRun;
import io.pairdb.proto.admin.v1.RepairCounts;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Prototype
@Command(name = "repair", subcommands = RepairStatusCommand.class, description = {
    "Anti-entropy repair: the replicas of every range compare digests, and each key that differs is "
    + "resolved and written where it is missing or older (never over a newer write). Waits until every "
    + "range is done (raise --timeout for a large cluster). Run it after a node was down longer than hints "
    + "are kept, after restoring a node's data, and at least once per tombstone gc grace period."})
public final class RepairCommand implements Callable<Integer> {

    /** How often --watch looks for the run its repair began, until it finds it or the repair answered. */
    private static final Duration FIND_INTERVAL = Duration.ofMillis(200);

    private final CommonOptions options;
    private final Host host;

    @Option(names = {"-w", "--watch"}, description = {"Show the run's progress while it repairs (as repair status RUN "
        + "--watch), then the report."})
    private boolean watch;

    @Option(names = "--tenant", paramLabel = "ID", description = "Repair only this tenant (default: every tenant).")
    private String tenantId;

    @Option(names = "--node", paramLabel = "ID", description = "Repair only the ranges this storage node replicates.")
    private String nodeId;

    @Option(names = "--dry-run", description = "Compare and count what differs; write nothing.")
    private boolean dryRun;

    RepairCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code repair}. */
    record Repaired(boolean dryRun, List<TenantDone> tenants, Counts total, List<Failure> failures) {
    }

    record TenantDone(String tenantId, int ranges, Counts counts) {
    }

    /** What {@code RepairCounts} says, field for field. */
    record Counts(long rangesCompared, long leavesDiffered, long keysCompared, long keysDiffering,
                  long entriesWritten, long bytesRead, long bytesWritten) {
        static Counts from(RepairCounts c) {
            return new Counts(c.getRangesCompared(), c.getLeavesDiffered(), c.getKeysCompared(), c.getKeysDiffering(),
                    c.getEntriesWritten(), c.getBytesRead(), c.getBytesWritten());
        }
    }

    record Failure(String tenantId, String startExclusive, String endInclusive, String nodeId, String reason) {
    }

    @Override
    public Integer call() {
        RepairRequest.Builder request = RepairRequest.newBuilder().setDryRun(dryRun);
        if (tenantId != null) {
            request.setTenantId(tenantId);
        }
        if (nodeId != null) {
            request.setNodeId(nodeId);
        }
        RepairResponse response = watch ? repairWatching(request.build()) : repair(request.build());
        Repaired repaired = new Repaired(response.getDryRun(),
                response.getTenantsList().stream().map(t -> new TenantDone(t.getTenantId(), t.getRanges(),
                        Counts.from(t.getCounts()))).toList(),
                Counts.from(response.getTotal()),
                response.getFailuresList().stream().map(f -> new Failure(f.getTenantId(),
                        Long.toUnsignedString(f.getStartExclusive()), Long.toUnsignedString(f.getEndInclusive()),
                        f.getNodeId(), f.getReason())).toList());
        int printed = options.print(repaired, text(repaired));
        // a range left unrepaired is a failure the caller (a script, a cron job) must see
        return repaired.failures().isEmpty() ? printed : ExitCodes.SERVER_ERROR;
    }

    /** Asks for the repair and waits for its report, at most {@code --timeout}. */
    private RepairResponse repair(RepairRequest request) {
        try {
            return options.admin().repair(request);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                throw e;
            }
            // the run does not stop with the call: say so, or a rerun with a longer timeout starts a second one
            throw CommandFailure.server("the repair did not end within " + TimeoutConverter.format(options.timeout())
                    + "; it goes on in the coordinator: follow it with pairdb-admin repair status, or repair with "
                    + "--watch");
        }
    }

    /**
     * Asks for the repair in the background, finds the run it began (the newest run of this scope
     * not listed before) and follows it until it ends, then answers the repair's response. The
     * repair call itself has no deadline (a run takes as long as it takes; the calls that follow it
     * have theirs), but once the run has ended its answer must come within {@code --timeout}.
     */
    private RepairResponse repairWatching(RepairRequest request) {
        Set<String> before = runs().stream().map(RepairRun::getRunId).collect(Collectors.toSet());
        CompletableFuture<RepairResponse> repair = CompletableFuture.supplyAsync(
                () -> options.admin().withDeadline(null).repair(request));
        try {
            Optional<RepairRun> begun = Optional.empty();
            while (begun.isEmpty()) {
                try {
                    return repair.get(FIND_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRepairing) {
                    begun = runs().stream().filter(r -> !before.contains(r.getRunId()) && r.getTenantId()
                            .equals(request.getTenantId()) && r.getNodeId().equals(request.getNodeId())
                            && r.getDryRun() == request.getDryRun()).findFirst();
                }
            }
            String runId = begun.get().getRunId();
            ChangeWatcher.forCommand(options, host, id -> RepairStatusCommand.find(options, id)).follow(runId);
            try {
                return repair.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException noAnswer) {
                repair.cancel(true);
                throw CommandFailure.server("repair run " + runId + " ended, but its report did not "
                        + "come within " + TimeoutConverter.format(options.timeout())
                        + "; see pairdb-admin repair status " + runId);
            }
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.local("interrupted; the repair goes on: pairdb-admin repair status");
        }
    }

    private List<RepairRun> runs() {
        return options.admin().listRepairRuns(ListRepairRunsRequest.newBuilder().setLimit(20).build()).getRunsList();
    }

    private static String text(Repaired r) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%-16s %7s %14s %14s %14s%n", "TENANT", "RANGES", "KEYS COMPARED", "KEYS DIFFERING",
                r.dryRun() ? "WOULD WRITE" : "WRITTEN"));
        for (TenantDone t : r.tenants()) {
            text.append(String.format("%-16s %7d %14d %14d %14s%n", t.tenantId(), t.ranges(), t.counts().keysCompared(),
                    t.counts().keysDiffering(), r.dryRun() ? "-" : Long.toString(t.counts().entriesWritten())));
        }
        Counts total = r.total();
        text.append(r.dryRun() ? "DRY RUN: nothing written. " : "")
                .append(String.format("%d keys differed; %d repair writes; %d bytes read, %d written; %d sub-ranges compared%n",
                        total.keysDiffering(), total.entriesWritten(), total.bytesRead(), total.bytesWritten(),
                        total.rangesCompared()));
        for (Failure f : r.failures()) {
            text.append(String.format("FAILED tenant %s range (%s, %s] on node %s: %s%n", f.tenantId(),
                    f.startExclusive(), f.endInclusive(), f.nodeId(), f.reason()));
        }
        return text.toString();
    }
}
