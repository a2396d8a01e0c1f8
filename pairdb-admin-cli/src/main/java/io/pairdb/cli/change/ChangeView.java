package io.pairdb.cli.change;

import io.pairdb.cli.cleanup.CleanupView;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ChangeStatus;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.RangeStream;
import io.pairdb.proto.admin.v1.StreamState;
import io.pairdb.proto.admin.v1.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A topology change as the CLI prints it.
 *
 * @param nodeId the node of an ADD_NODE or REMOVE_NODE change, else null
 * @param streams the per-range detail; empty in a listing
 * @param tenantId the tenant of a CHANGE_RF change, with its replication factors; else null
 * @param cleanup  what became of the former owners' copies; only in {@code change get}, else null
 */
public record ChangeView(String changeId, String type, String nodeId, String status, long ringEpoch, boolean force,
                         int unrecoverableRanges, Totals totals, Instant startedAt, Instant updatedAt,
                         Instant completedAt, String error, String leaseOwner, Instant leaseExpiresAt,
                         List<Stream> streams, String tenantId, Integer fromReplicationFactor,
                         Integer toReplicationFactor, CleanupView cleanup) implements Watched {

    public record Totals(int streams, int pending, int streaming, int done, long keys, long bytes) {
    }

    /** One range stream; tokens as unsigned decimal strings. */
    public record Stream(int index, String startExclusive, String endInclusive, String target, List<String> sources,
                         List<Integer> replicationFactors, List<String> tenants, String state, long keys, long bytes,
                         String lastToken, Instant failingSince, String lastError) {
        static Stream from(RangeStream s) {
            return new Stream(s.getIndex(), Long.toUnsignedString(s.getStartExclusive()),
                    Long.toUnsignedString(s.getEndInclusive()), s.getTargetNodeId(), s.getSourceNodeIdsList(),
                    s.getReplicationFactorsList(), s.getTenantIdsList(), stateName(s.getState()), s.getKeys(),
                    s.getBytes(), s.hasLastToken() ? Long.toUnsignedString(s.getLastToken()) : null,
                    Times.instant(s.hasFailingSince(), s.getFailingSince()),
                    s.getLastError().isEmpty() ? null : s.getLastError());
        }
    }

    public static ChangeView from(TopologyChange c) {
        var t = c.getTotals();
        boolean rf = c.getType() == ChangeType.CHANGE_TYPE_CHANGE_RF;
        return new ChangeView(c.getChangeId(), typeName(c.getType()), c.getNodeId().isEmpty() ? null : c.getNodeId(),
                statusName(c.getStatus()),
                c.getRingEpoch(), c.getForce(), c.getUnrecoverableRanges(),
                new Totals(t.getStreams(), t.getPending(), t.getStreaming(), t.getDone(), t.getKeys(), t.getBytes()),
                Times.instant(c.hasStartedAt(), c.getStartedAt()), Times.instant(c.hasUpdatedAt(), c.getUpdatedAt()),
                Times.instant(c.hasCompletedAt(), c.getCompletedAt()), c.getError().isEmpty() ? null : c.getError(),
                c.getLeaseOwner().isEmpty() ? null : c.getLeaseOwner(),
                Times.instant(c.hasLeaseExpiresAt(), c.getLeaseExpiresAt()),
                c.getStreamsList().stream().map(Stream::from).toList(), rf ? c.getTenantId() : null,
                rf ? c.getFromReplicationFactor() : null, rf ? c.getToReplicationFactor() : null,
                c.hasCleanup() ? CleanupView.from(c.getCleanup()) : null);
    }

    /** What the change is about: {@code n4}, or {@code tenant orders RF 2->3}. */
    public String subject() {
        return tenantId != null ? "tenant " + tenantId + " RF " + fromReplicationFactor + "->" + toReplicationFactor
                : nodeId;
    }

    @Override
    public String id() {
        return changeId;
    }

    @Override
    public boolean running() {
        return "IN_PROGRESS".equals(status);
    }

    @Override
    public boolean succeeded() {
        return "COMPLETED".equals(status);
    }

    @Override
    public int rangesDone() {
        return totals.done();
    }

    @Override
    public int rangesTotal() {
        return totals.streams();
    }

    @Override
    public long keys() {
        return totals.keys();
    }

    @Override
    public String amounts() {
        return "%d keys, %s".formatted(totals.keys(), bytesText(totals.bytes()));
    }

    @Override
    public String finalLine(Duration watched) {
        String line = "change %s %s: %s, %d keys, %s (watched %s)".formatted(changeId, status, rangesText(),
                totals.keys(), bytesText(totals.bytes()), ChangeWatcher.duration(watched));
        return error == null ? line : line + "; error: " + error;
    }

    /** e.g. {@code 120/451 ranges} */
    public String rangesText() {
        return totals.done() + "/" + totals.streams() + " ranges";
    }

    /** Done share of the ranges, e.g. {@code 26.6%}; {@code 100.0%} when there was nothing to stream. */
    public String percentText() {
        double share = totals.streams() == 0 ? 100.0 : 100.0 * totals.done() / totals.streams();
        return String.format(Locale.ROOT, "%.1f%%", share);
    }

    public static String bytesText(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String typeName(ChangeType type) {
        return switch (type) {
            case CHANGE_TYPE_ADD_NODE -> "ADD_NODE";
            case CHANGE_TYPE_REMOVE_NODE -> "REMOVE_NODE";
            case CHANGE_TYPE_CHANGE_RF -> "CHANGE_RF";
            case CHANGE_TYPE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }

    static String statusName(ChangeStatus status) {
        return switch (status) {
            case CHANGE_STATUS_IN_PROGRESS -> "IN_PROGRESS";
            case CHANGE_STATUS_COMPLETED -> "COMPLETED";
            case CHANGE_STATUS_FAILED -> "FAILED";
            case CHANGE_STATUS_ROLLED_BACK -> "ROLLED_BACK";
            case CHANGE_STATUS_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }

    static String stateName(StreamState state) {
        return switch (state) {
            case STREAM_STATE_PENDING -> "PENDING";
            case STREAM_STATE_STREAMING -> "STREAMING";
            case STREAM_STATE_DONE -> "DONE";
            case STREAM_STATE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }
}
