package io.pairdb.adapters.grpc;

import io.grpc.Status;
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
            case RepairTenants.Outcome.TenantNotFound t -> throw CoordinatorGrpcEndpoint.tenantNotFound(t.tenant());
            case RepairTenants.Outcome.NodeNotFound n -> throw GrpcErrors.error(Status.Code.NOT_FOUND, "NODE_NOT_FOUND",
                    "storage node '" + n.node() + "' is not in the ring");
            case RepairTenants.Outcome.ChangeInFlight c -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "CHANGE_IN_FLIGHT", c.changes() + " topology change(s) in flight; repair once they have ended");
            case RepairTenants.Outcome.TopologyChanged t -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "TOPOLOGY_CHANGED", "the ring changed during the repair (epoch " + t.startedAtEpoch() + " -> "
                            + t.nowAtEpoch() + ") after " + t.sofar().total().entriesWritten()
                            + " repair writes, which stay; run the repair again");
        };
    }

    private static RepairResponse toProto(RepairTenants.Outcome.Done done) {
        RepairResponse.Builder response = RepairResponse.newBuilder().setDryRun(done.dryRun())
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
