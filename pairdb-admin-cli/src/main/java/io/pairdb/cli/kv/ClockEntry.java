package io.pairdb.cli.kv;

import io.pairdb.proto.coordinator.v1.VectorClock;
import java.util.List;
import java.util.stream.Collectors;

/** One entry of a version's vector clock. */
record ClockEntry(String coordinatorNodeId, long logicalTimestamp) {

    static List<ClockEntry> from(VectorClock clock) {
        return clock.getEntriesList().stream()
                .map(entry -> new ClockEntry(entry.getCoordinatorNodeId(), entry.getLogicalTimestamp()))
                .toList();
    }

    /** {@code coord-1:17, coord-2:4}, or {@code empty}. */
    static String text(List<ClockEntry> clock) {
        if (clock.isEmpty()) {
            return "empty";
        }
        return clock.stream().map(e -> e.coordinatorNodeId + ":" + e.logicalTimestamp).collect(Collectors.joining(", "));
    }
}
