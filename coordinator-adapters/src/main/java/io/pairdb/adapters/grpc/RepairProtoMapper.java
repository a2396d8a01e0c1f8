package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.proto.admin.v1.ListRepairRunsResponse;
import java.util.Map;
import io.pairdb.core.repair.RangeRepairOutcome;
import io.pairdb.core.repair.RepairReport;
import io.pairdb.core.repair.RepairTenants;
import io.pairdb.proto.admin.v1.RangeRepairFailure;
import io.pairdb.proto.admin.v1.RepairCounts;
import io.pairdb.proto.admin.v1.RepairResponse;
import io.pairdb.proto.admin.v1.TenantRepair;

/** Repair outcomes to the admin API's messages and errors: the one place they are translated. */
final class RepairProtoMapper {
    private RepairProtoMapper() {
    }

    /** The response for a finished repair; the gRPC error for one refused or stopped. */
    static RepairResponse toProtoOrThrow(RepairTenants.Outcome outcome) {
        return switch (outcome) {
            case RepairTenants.Outcome.Done done -> toProto(done);
            case RepairTenants.Outcome.TenantNotFound t -> throw OutcomeErrors.tenantNotFound(t.tenant());
            case RepairTenants.Outcome.NodeNotFound n -> throw GrpcErrors.error(Status.Code.NOT_FOUND, "NODE_NOT_FOUND",
                    "storage node '" + n.node() + "' is not in the ring");
            case RepairTenants.Outcome.ChangeInFlight c -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "CHANGE_IN_FLIGHT", "topology change " + c.change() + " is in flight; repair once it has ended",
                    Map.of("change_id", c.change().value()));
            case RepairTenants.Outcome.TopologyChanged t -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "TOPOLOGY_CHANGED", "the ring changed during the repair (epoch " + t.startedAtEpoch() + " -> "
                            + t.nowAtEpoch() + ") after " + t.sofar().total().entriesWritten()
                            + " repair writes, which stay; run the repair again");
            case RepairTenants.Outcome.LeaseLost l -> throw GrpcErrors.error(Status.Code.ABORTED, "REPAIR_LEASE_LOST",
                    "repair run " + l.sofar().run() + " stalled past its lease (pairdb.repair.lease), so a topology change "
                            + "may have started; it stopped after " + l.sofar().total().entriesWritten()
                            + " repair writes, which stay; run the repair again", Map.of("run_id", l.sofar().run()));
            case RepairTenants.Outcome.HandedOver h -> throw GrpcErrors.error(Status.Code.UNAVAILABLE, "REPAIR_HANDED_OVER",
                    "this coordinator is shutting down; repair run " + h.sofar().run() + " is left to another coordinator,"
                            + " which resumes it from the ranges done (see pairdb-admin repair status)",
                    Map.of("run_id", h.sofar().run()));
        };
    }

    /** Runs for {@code repair status}; a RUNNING run whose lease ran out is ABANDONED. */
    static ListRepairRunsResponse toProto(RepairTenants.Runs runs) {
        ListRepairRunsResponse.Builder response = ListRepairRunsResponse.newBuilder();
        for (RepairRun run : runs.runs()) {
            boolean abandoned = run.abandoned(runs.at());
            io.pairdb.proto.admin.v1.RepairRun.Builder b = io.pairdb.proto.admin.v1.RepairRun.newBuilder()
                    .setRunId(run.id()).setDryRun(run.dryRun()).setState(abandoned ? "ABANDONED" : run.state().name())
                    .setRingEpoch(run.epoch()).setRangesTotal(run.rangesTotal()).setRangesDone(run.rangesDone())
                    .setKeysRepaired(run.keysRepaired()).setBytesMoved(run.bytesMoved()).setStartedAt(AdminProtoMapper.timestamp(run.startedAt()));
            run.tenant().ifPresent(t -> b.setTenantId(t.value()));
            run.node().ifPresent(n -> b.setNodeId(n.value()));
            run.finishedAt().ifPresent(at -> b.setFinishedAt(AdminProtoMapper.timestamp(at)));
            run.lease().ifPresent(l -> b.setCoordinatorId(l.owner()));
            response.addRuns(b);
        }
        return response.build();
    }

    private static RepairResponse toProto(RepairTenants.Outcome.Done done) {
        RepairResponse.Builder response = RepairResponse.newBuilder().setRunId(done.run()).setDryRun(done.dryRun())
                .setTotal(toProto(done.total()));
        for (RepairTenants.TenantRepair tenant : done.tenants()) {
            response.addTenants(TenantRepair.newBuilder().setTenantId(tenant.tenant().value())
                    .setRanges(tenant.ranges()).setCounts(toProto(tenant.report())));
            for (RangeRepairOutcome.ReplicaFailed failed : tenant.failed()) {
                response.addFailures(RangeRepairFailure.newBuilder().setTenantId(tenant.tenant().value())
                        .setStartExclusive(failed.range().start().value())
                        .setEndInclusive(failed.range().end().value())
                        .setNodeId(failed.node().value()).setReason(failed.reason()));
            }
        }
        return response.build();
    }

    private static RepairCounts toProto(RepairReport report) {
        return RepairCounts.newBuilder()
                .setRangesCompared(report.rangesCompared())
                .setLeavesDiffered(report.leavesDiffered())
                .setKeysCompared(report.keysCompared())
                .setKeysDiffering(report.keysDiffering())
                .setEntriesWritten(report.entriesWritten())
                .setBytesRead(report.bytesRead())
                .setBytesWritten(report.bytesWritten())
                .build();
    }
}
