package io.pairdb.core.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The topology changes in flight summed up for an on-call view: how many of each type are in
 * which phase, how many of their range streams are done, under way or not begun, how many keep
 * failing, and when the oldest change started. Immutable.
 */
public record ChangesInFlight(Map<ChangeType, Map<Phase, Integer>> changes, Map<StreamState, Integer> streams,
                              int failingStreams, Optional<Instant> oldestStartedAt) {
    /** Where a change in flight stands, as far as its stored progress tells. */
    public enum Phase {
        /**
         * Nothing copied yet: the change waits for every coordinator to serve its epoch, for the
         * settle delay, or for its first batch.
         */
        WAITING,
        /** Some of its ranges are copied, and none keeps failing. */
        STREAMING,
        /** A stream's attempts keep failing; the change fails once one has failed for the timeout. */
        FAILING
    }

    public static final ChangesInFlight NONE = of(List.of());

    public ChangesInFlight {
        Objects.requireNonNull(oldestStartedAt, "oldestStartedAt");
        EnumMap<ChangeType, Map<Phase, Integer>> complete = new EnumMap<>(ChangeType.class);
        for (ChangeType type : ChangeType.values()) {
            EnumMap<Phase, Integer> byPhase = new EnumMap<>(Phase.class);
            for (Phase phase : Phase.values()) {
                byPhase.put(phase, changes.getOrDefault(type, Map.of()).getOrDefault(phase, 0));
            }
            complete.put(type, Map.copyOf(byPhase));
        }
        changes = Map.copyOf(complete);
        EnumMap<StreamState, Integer> allStates = new EnumMap<>(StreamState.class);
        for (StreamState state : StreamState.values()) {
            allStates.put(state, streams.getOrDefault(state, 0));
        }
        streams = Map.copyOf(allStates);
    }

    /** Sums up {@code inFlight}: changes IN_PROGRESS (others are ignored). */
    public static ChangesInFlight of(List<TopologyChange> inFlight) {
        Map<ChangeType, Map<Phase, Integer>> changes = new EnumMap<>(ChangeType.class);
        Map<StreamState, Integer> streams = new EnumMap<>(StreamState.class);
        int failing = 0;
        Instant oldest = null;
        for (TopologyChange change : inFlight) {
            if (!change.inProgress()) {
                continue;
            }
            boolean copied = false;
            boolean changeFailing = false;
            for (RangeStream s : change.streams()) {
                streams.merge(s.state(), 1, Integer::sum);
                copied |= s.state() != StreamState.PENDING;
                if (!s.isDone() && s.failingSince().isPresent()) {
                    failing++;
                    changeFailing = true;
                }
            }
            Phase phase = changeFailing ? Phase.FAILING : copied ? Phase.STREAMING : Phase.WAITING;
            changes.computeIfAbsent(change.type(), t -> new EnumMap<>(Phase.class)).merge(phase, 1, Integer::sum);
            if (oldest == null || change.startedAt().isBefore(oldest)) {
                oldest = change.startedAt();
            }
        }
        return new ChangesInFlight(changes, streams, failing, Optional.ofNullable(oldest));
    }

    /** How long the oldest change has been running at {@code now}; empty when none is in flight. */
    public Optional<Duration> oldestAge(Instant now) {
        return oldestStartedAt.map(o -> o.isAfter(now) ? Duration.ZERO : Duration.between(o, now));
    }

    public int count(ChangeType type, Phase phase) {
        return changes.get(type).get(phase);
    }

    public int streams(StreamState state) {
        return streams.get(state);
    }
}
