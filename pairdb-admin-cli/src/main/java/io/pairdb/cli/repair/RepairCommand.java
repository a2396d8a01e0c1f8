package io.pairdb.cli.repair;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.proto.admin.v1.RepairCounts;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairResponse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Prototype
@Command(name = "repair", subcommands = RepairStatusCommand.class, description = {
    "Anti-entropy repair: the replicas of every range compare digests, and each key that differs is",
    "resolved and written where it is missing or older (never over a newer write). Waits until every",
    "range is done (raise --timeout for a large cluster). Run it after a node was down longer than hints",
    "are kept, after restoring a node's data, and at least once per tombstone gc grace period."})
public final class RepairCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Option(names = "--tenant", paramLabel = "ID", description = "Repair only this tenant (default: every tenant).")
    private String tenantId;

    @Option(names = "--node", paramLabel = "ID", description = "Repair only the ranges this storage node replicates.")
    private String nodeId;

    @Option(names = "--dry-run", description = "Compare and count what differs; write nothing.")
    private boolean dryRun;

    RepairCommand(CommonOptions options) {
        this.options = options;
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
        RepairResponse response = options.admin().repair(request.build());
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
