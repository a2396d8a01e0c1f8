package io.pairdb.adapters.grpc;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TenantFilter;
import java.time.Instant;
import java.util.Optional;

/** Cleanups after topology changes → the admin API's messages. */
final class CleanupProtoMapper {
    private CleanupProtoMapper() {
    }

    static io.pairdb.proto.admin.v1.ChangeCleanup toProto(ChangeCleanup c, Optional<Instant> dueAt) {
        ChangeCleanup.Totals t = c.totals();
        var b = io.pairdb.proto.admin.v1.ChangeCleanup.newBuilder()
                .setTotals(io.pairdb.proto.admin.v1.CleanupTotals.newBuilder().setRanges(t.ranges())
                        .setPending(t.pending()).setDeleted(t.deleted()).setSkipped(t.skipped()).setKept(t.kept())
                        .setKeysDeleted(t.keysDeleted()));
        dueAt.ifPresent(at -> b.setDueAt(AdminProtoMapper.timestamp(at)));
        c.forced().ifPresent(f -> b.setForced(io.pairdb.proto.admin.v1.ForcedCleanup.newBuilder().setReason(f.reason())
                .setRequestedBy(f.requestedBy()).setForcedAt(AdminProtoMapper.timestamp(f.at()))));
        c.ranges().forEach(r -> b.addRanges(toProto(r)));
        return b.build();
    }

    private static io.pairdb.proto.admin.v1.RangeCleanup toProto(RangeCleanup r) {
        var b = io.pairdb.proto.admin.v1.RangeCleanup.newBuilder()
                .setIndex(r.release().index())
                .setStartExclusive(r.release().range().start().value())
                .setEndInclusive(r.release().range().end().value())
                .setNodeId(r.release().node().value())
                .addAllReplicationFactors(r.release().replicationFactors())
                .setAttempts(r.attempts())
                .setStrayCopy(r.release().when() == RangeRelease.When.FAILED)
                .setDeleting(r.deleteBegun().isPresent());
        if (r.release().tenants() instanceof TenantFilter.Only only) {
            only.tenants().stream().map(TenantId::value).forEach(b::addTenantIds);
        }
        r.lastAttemptAt().ifPresent(at -> b.setLastAttemptAt(AdminProtoMapper.timestamp(at)));
        switch (r.outcome()) {
            case CleanupOutcome.Pending p -> b.setOutcome(io.pairdb.proto.admin.v1.CleanupOutcome.CLEANUP_OUTCOME_PENDING);
            case CleanupOutcome.Deleted d -> b.setOutcome(io.pairdb.proto.admin.v1.CleanupOutcome.CLEANUP_OUTCOME_DELETED)
                    .setKeysDeleted(d.keys()).setOutcomeAt(AdminProtoMapper.timestamp(d.at()));
            case CleanupOutcome.Skipped s -> b.setOutcome(io.pairdb.proto.admin.v1.CleanupOutcome.CLEANUP_OUTCOME_SKIPPED)
                    .setReason(s.reason()).setOutcomeAt(AdminProtoMapper.timestamp(s.at()));
            case CleanupOutcome.Kept k -> b.setOutcome(io.pairdb.proto.admin.v1.CleanupOutcome.CLEANUP_OUTCOME_KEPT)
                    .setReason(k.reason()).setOutcomeAt(AdminProtoMapper.timestamp(k.at()));
        }
        return b.build();
    }
}
