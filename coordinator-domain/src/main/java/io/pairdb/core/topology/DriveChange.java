package io.pairdb.core.topology;

import io.pairdb.core.PermanentFailureException;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Drives one topology change that this coordinator holds the lease of, one bounded step at a
 * time (whoever runs it calls {@link #step()} again as the answer says):
 *
 * <ol>
 *   <li>wait until every live coordinator serves the change's epoch ({@link EpochFence}), then
 *       for the settle delay, so no write still under way goes to the old replica sets only;</li>
 *   <li>copy the streams one batch at a time ({@link StreamRanges}), persisting progress at
 *       least every checkpoint interval and renewing the lease with it; a failed attempt is
 *       retried with backoff, and a stream failing for longer than the timeout fails the change;
 *       no batch starts while the coordinator's {@link StreamThrottle} says to wait;</li>
 *   <li>hand a node change over: the node BOOTSTRAPPED (added) or HANDED_OVER (removed) with
 *       an epoch bump, so reads move to the ring as it will be while writes still reach the ring
 *       as it was; wait until every live coordinator serves that epoch, then for the settle
 *       delay, so no coordinator still reads from replicas that are about to stop getting
 *       writes;</li>
 *   <li>end it: the node NORMAL (added) or LEFT (removed) — or, when it failed, LEFT (added)
 *       or NORMAL again (removed) — with an epoch bump, in one transaction with the change's
 *       final status.</li>
 * </ol>
 *
 * Every store write is conditional on the lease; once it is lost the step says so and does
 * nothing more. The lease is also renewed apart from the steps ({@link #renewLease()}), and a
 * storage write starts only while the lease outlasts it, as this coordinator counts. Not
 * thread-safe, but for {@link #renewLease()}: one runner calls it.
 */
public final class DriveChange implements AutoCloseable {
    /** What to do after a step. */
    public sealed interface Step {
        /** Call again at once. */
        record Continue() implements Step {
        }

        /** Call again after the pause. */
        record Wait(Duration pause) implements Step {
        }

        /** The change is no longer this coordinator's to drive. */
        record Ended(Ending ending) implements Step {
        }
    }

    public enum Ending { COMPLETED, FAILED, LEASE_LOST }

    private static final Duration FENCE_POLL = Duration.ofMillis(200);

    private final ChangeStore store;
    private final ClusterTopology topology;
    private final EpochFence fence;
    private final StreamRanges streaming;
    private final Clock clock;
    private final ChangeSettings settings;
    private final ChangeEvents events;

    private TopologyChange change;
    private final List<RangeStream> streams;
    private final Map<Integer, Instant> retryAt = new HashMap<>();
    private final Map<Integer, Integer> failures = new HashMap<>();
    private Instant fenceWaitSince;
    private Instant streamingFrom;
    private OptionalLong handOverEpoch = OptionalLong.empty();
    private Instant handOverWaitSince;
    private Instant completingFrom;
    private Instant lastSaved;
    private boolean unsaved;
    private StreamRanges.Transfer transfer;
    private Ending ended;
    private final LeaseHold lease;

    public DriveChange(TopologyChange change, ChangeStore store, ClusterTopology topology, EpochFence fence,
                       StreamRanges streaming, Clock clock, ChangeSettings settings, ChangeEvents events) {
        this.change = Objects.requireNonNull(change, "change");
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.fence = Objects.requireNonNull(fence, "fence");
        this.streaming = Objects.requireNonNull(streaming, "streaming");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.streams = new ArrayList<>(change.streams());
        this.lastSaved = clock.now();
        // just started or claimed: the lease was granted no earlier than this
        this.lease = new LeaseHold(clock, settings.lease(), lastSaved);
    }

    public ChangeId id() {
        return change.id();
    }

    /** The change with the progress this driver has made, saved or not. */
    public TopologyChange change() {
        return change.withStreams(streams, change.updatedAt());
    }

    /**
     * Does one bounded piece of work. Throws only what the store threw; calling again retries. A
     * failure that retrying cannot fix ({@link PermanentFailureException}) fails the change instead,
     * which is rolled back with the progress last saved.
     */
    public Step step() {
        if (ended != null) {
            return new Step.Ended(ended);
        }
        try {
            return advance();
        } catch (PermanentFailureException e) {
            events.stepFailed(change.id(), e);
            return end(ChangeStatus.FAILED, Optional.of("a step failed in a way retrying cannot fix: " + e.getMessage()),
                    change.streams(), clock.now());
        }
    }

    private Step advance() {
        if (lease.isLost()) {
            return lost();
        }
        Instant now = clock.now();
        if (!now.isBefore(lastSaved.plus(renewEvery())) && !save(now)) {
            return lost();
        }
        if (streamingFrom == null) {
            Optional<Step> waiting = awaitFence(now);
            if (waiting.isPresent()) {
                return waiting.get();
            }
        }
        if (now.isBefore(streamingFrom)) {
            return new Step.Wait(Duration.between(now, streamingFrom));
        }
        Optional<RangeStream> next = nextReady(now);
        if (next.isEmpty()) {
            if (streams.stream().allMatch(RangeStream::isDone)) {
                return complete(now);
            }
            Instant soonest = streams.stream().filter(s -> !s.isDone())
                    .map(s -> retryAt.getOrDefault(s.index(), now)).min(Instant::compareTo).orElse(now);
            return new Step.Wait(Duration.between(now, soonest).isNegative() ? Duration.ZERO : Duration.between(now, soonest));
        }
        Duration throttled = streaming.throttle().delay();
        if (throttled.isPositive()) {
            return new Step.Wait(throttled);
        }
        return copy(next.get(), now);
    }

    private Optional<Step> awaitFence(Instant now) {
        switch (fence.check(change.ringEpoch())) {
            case EpochFence.Check.Serving serving -> {
                events.fenced(change);
                streamingFrom = now.plus(settings.settleDelay());
                return Optional.empty();
            }
            case EpochFence.Check.Behind behind -> {
                if (fenceWaitSince == null) {
                    fenceWaitSince = now;
                    events.awaitingEpoch(change, change.ringEpoch(), behind.coordinators());
                }
                if (Duration.between(fenceWaitSince, now).compareTo(settings.epochWaitTimeout()) >= 0) {
                    String who = String.join(", ", behind.coordinators().stream()
                            .map(m -> m.coordinatorId() + " (epoch " + m.servedEpoch() + ")").toList());
                    return Optional.of(end(ChangeStatus.FAILED, Optional.of("coordinators still served an older epoch than "
                            + change.ringEpoch() + " after " + settings.epochWaitTimeout() + ": " + who), now));
                }
                return Optional.of(new Step.Wait(FENCE_POLL));
            }
        }
    }

    /**
     * Ends a change whose streams are done. A node change first hands over and waits for every
     * live coordinator to serve the hand-over epoch: until then a coordinator one epoch behind
     * may read from the replicas the change retires, which the hand-over epoch still writes to
     * and the final one no longer does. The wait has no timeout (failing now would undo a change
     * whose reads already moved, which is the same hazard): a coordinator that stops
     * heartbeating drops out of the fence after the liveness timeout, and stops serving by then.
     */
    private Step complete(Instant now) {
        if (!change.type().concernsNode()) {
            return end(ChangeStatus.COMPLETED, Optional.empty(), now);
        }
        if (handOverEpoch.isEmpty()) {
            switch (store.handOver(change.id(), settings.coordinatorId(), change.type().onHandOver(), now)) {
                case ChangeStore.HandOver.HandedOver handedOver -> {
                    handOverEpoch = OptionalLong.of(handedOver.epoch());
                    topology.reload();
                    events.handedOver(change, handedOver.epoch());
                }
                case ChangeStore.HandOver.LeaseLost lost -> {
                    return lost();
                }
            }
        }
        if (completingFrom == null) {
            switch (fence.check(handOverEpoch.getAsLong())) {
                case EpochFence.Check.Serving serving -> completingFrom = now.plus(settings.settleDelay());
                case EpochFence.Check.Behind behind -> {
                    if (handOverWaitSince == null) {
                        handOverWaitSince = now;
                        events.awaitingEpoch(change, handOverEpoch.getAsLong(), behind.coordinators());
                    }
                    return new Step.Wait(FENCE_POLL);
                }
            }
        }
        if (now.isBefore(completingFrom)) {
            return new Step.Wait(Duration.between(now, completingFrom));
        }
        return end(ChangeStatus.COMPLETED, Optional.empty(), now);
    }

    private Optional<RangeStream> nextReady(Instant now) {
        for (RangeStream s : streams) {
            if (!s.isDone() && !now.isBefore(retryAt.getOrDefault(s.index(), Instant.MIN))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private Step copy(RangeStream stream, Instant now) {
        if (transfer == null || transfer.stream().index() != stream.index()) {
            closeTransfer();
            transfer = streaming.resume(stream, topology::current, lease);
        }
        switch (transfer.next()) {
            case StreamRanges.Progress.Copied copied -> {
                streams.set(stream.index(), copied.stream());
                events.streamProgressed(change, stream, copied.stream());
                failures.remove(stream.index());
                unsaved = true;
                if (!clock.now().isBefore(lastSaved.plus(settings.checkpointInterval())) && !save(clock.now())) {
                    return lost();
                }
                return new Step.Continue();
            }
            case StreamRanges.Progress.Finished finished -> {
                streams.set(stream.index(), finished.stream());
                events.streamProgressed(change, stream, finished.stream());
                failures.remove(stream.index());
                closeTransfer();
                unsaved = true;
                if (!clock.now().isBefore(lastSaved.plus(settings.checkpointInterval())) && !save(clock.now())) {
                    return lost();
                }
                return new Step.Continue();
            }
            case StreamRanges.Progress.Stopped stopped -> {
                closeTransfer();
                return lost();
            }
            case StreamRanges.Progress.Failed failed -> {
                closeTransfer();
                Instant at = clock.now();
                RangeStream failing = stream.failed(at, failed.error());
                streams.set(stream.index(), failing);
                int count = failures.merge(stream.index(), 1, Integer::sum);
                Duration failingFor = Duration.between(failing.failingSince().orElse(at), at);
                if (failingFor.compareTo(settings.streamFailureTimeout()) >= 0) {
                    return end(ChangeStatus.FAILED, Optional.of("stream " + stream.index() + " of range " + stream.range()
                            + " to " + stream.target() + " kept failing for " + failingFor + ": " + failed.error()), at);
                }
                Duration pause = settings.backoff(count);
                retryAt.put(stream.index(), at.plus(pause));
                events.streamFailed(change(), failing, failed.error(), pause);
                unsaved = true;
                if (!at.isBefore(lastSaved.plus(settings.checkpointInterval())) && !save(at)) {
                    return lost();
                }
                return new Step.Continue();
            }
        }
    }

    /** Persists progress and renews the lease; false when the lease is lost. */
    private boolean save(Instant at) {
        ChangeStore.Held held = store.checkpoint(change.id(), settings.coordinatorId(), List.copyOf(streams), at,
                settings.lease());
        if (held == ChangeStore.Held.LOST) {
            lease.lose();
            return false;
        }
        lease.renewed(at);
        change = change.withStreams(streams, at);
        lastSaved = at;
        unsaved = false;
        return true;
    }

    private Step end(ChangeStatus status, Optional<String> error, Instant at) {
        return end(status, error, List.copyOf(streams), at);
    }

    private Step end(ChangeStatus status, Optional<String> error, List<RangeStream> finalStreams, Instant at) {
        closeTransfer();
        Optional<NodeState> nodeState = !change.type().concernsNode() ? Optional.empty()
                : Optional.of(status == ChangeStatus.COMPLETED ? change.type().onCompletion() : change.type().onRollback());
        switch (store.finish(change.id(), settings.coordinatorId(), nodeState, status, error, finalStreams, at)) {
            case ChangeStore.Finish.Finished finished -> {
                change = finished.change();
                topology.reload();
                ended = status == ChangeStatus.COMPLETED ? Ending.COMPLETED : Ending.FAILED;
                events.ended(change);
                return new Step.Ended(ended);
            }
            case ChangeStore.Finish.LeaseLost lost -> {
                return lost();
            }
        }
    }

    private Step lost() {
        closeTransfer();
        ended = Ending.LEASE_LOST;
        events.leaseLost(change.id());
        return new Step.Ended(ended);
    }

    private Duration renewEvery() {
        return settings.lease().dividedBy(3);
    }

    /**
     * Renews the lease without touching the progress. Unlike the rest of this class it may run
     * while a step does (the renewal task of {@link DriveChanges}): a step can take longer than the
     * lease. A lease found lost ends the driving at the next step, and no write starts meanwhile.
     *
     * @throws io.pairdb.core.PairDbException if the store cannot be reached (the lease then runs
     *                                        down, and writes stop before it ends)
     */
    public void renewLease() {
        Instant since = clock.now();
        switch (store.renew(change.id(), settings.coordinatorId(), settings.lease())) {
            case HELD -> lease.renewed(since);
            case LOST -> lease.lose();
        }
    }

    /**
     * Persists progress made since the last checkpoint, if any (an orderly stop, so whoever
     * resumes the change does not copy it again). Returns false when the lease is lost.
     */
    public boolean saveProgress() {
        return ended != null || !unsaved || save(clock.now());
    }

    private void closeTransfer() {
        if (transfer != null) {
            transfer.close();
            transfer = null;
        }
    }

    /** Stops driving without ending the change (shutdown): the lease runs out and another coordinator resumes. */
    @Override
    public void close() {
        closeTransfer();
    }
}
