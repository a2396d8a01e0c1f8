package io.pairdb.core.topology;

import io.pairdb.core.PairDbException;
import io.pairdb.core.PermanentFailureException;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.TopologyView;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Drives one topology change that this coordinator holds the lease of, one bounded step at a
 * time (whoever runs it calls {@link #step()} again as the answer says):
 *
 * <ol>
 *   <li>wait until every live coordinator serves the change's epoch ({@link EpochFence}), then
 *       for the settle delay, so no write still under way goes to the old replica sets only (a
 *       coordinator still behind after the epoch wait timeout fails the change, unless it has handed
 *       over already: one resumed after its hand-over waits on); a forced removal whose node answers
 *       its health probe again by then fails, since the node may hold writes its survivors lack;</li>
 *   <li>copy the streams ({@link StreamRanges}), up to the stream concurrency of them at once,
 *       each one batch at a time off the driver's thread, chosen so the source nodes share the
 *       reads ({@link PickStreams}); progress is taken in by the steps (a batch counts once it is
 *       on its target) and persisted at least every checkpoint interval, renewing the lease with
 *       it; a failed attempt is retried with backoff while the other streams go on, and a stream
 *       failing for longer than the timeout fails the change once no batch is under way (before the
 *       hand-over; a range copied again after it is retried until it succeeds); no batch
 *       starts while the coordinator's {@link StreamThrottle} says to wait;</li>
 *   <li>hand a node change over, once the streams' progress is saved (a coordinator resuming the
 *       change later must not stream again): the node BOOTSTRAPPED (added) or HANDED_OVER (removed) with
 *       an epoch bump, so reads move to the ring as it will be while writes still reach the ring
 *       as it was; wait until every live coordinator serves that epoch, then for the settle
 *       delay, so no coordinator still reads from replicas that are about to stop getting
 *       writes;</li>
 *   <li>before handing over, and again before ending: copy again the streams whose target started
 *       over empty since they were copied to it (its disk lost or replaced), as its data id tells
 *       ({@link StreamRanges#lostOnTheirTargets}); the replicas streamed from still get every
 *       write until the change ends, so they hold all the target lost;</li>
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

        /**
         * Call again once {@code event} completes (a batch under way ended), or after {@code atMost},
         * whichever comes first; once, not for both.
         */
        record WaitFor(CompletableFuture<?> event, Duration atMost) implements Step {
            public WaitFor {
                Objects.requireNonNull(event, "event");
                Objects.requireNonNull(atMost, "atMost");
            }
        }

        /** The change is no longer this coordinator's to drive. */
        record Ended(Ending ending) implements Step {
        }
    }

    public enum Ending { COMPLETED, FAILED, LEASE_LOST }

    private static final Duration FENCE_POLL = Duration.ofMillis(200);

    /** A batch of one stream being copied off the driver's thread. */
    private record Lane(int stream, CompletableFuture<StreamRanges.Progress> result) {
    }

    /**
     * How the change is to end, once no batch is under way any more (a change never ends while a
     * write of it may still reach a target). {@code lastSaved}: end it with the progress last
     * saved rather than the progress made.
     */
    private record Finishing(ChangeStatus status, String error, boolean lastSaved) {
    }

    private final ChangeStore store;
    private final ClusterTopology topology;
    private final EpochFence fence;
    private final StreamRanges streaming;
    private final Clock clock;
    private final ChangeSettings settings;
    private final ChangeEvents events;
    private final NodeProbe probe;

    private TopologyChange change;
    private final List<RangeStream> streams;
    private final Map<Integer, Instant> retryAt = new HashMap<>();
    private final Map<Integer, Integer> failures = new HashMap<>();
    private Instant fenceWaitSince;
    private Instant streamingFrom;
    /** Whether this driver asked the node of a forced removal if it answers again ({@link #rollBackIfTheForcedNodeAnswers}). */
    private boolean forcedNodeAsked;
    private OptionalLong handOverEpoch = OptionalLong.empty();
    private Instant handOverWaitSince;
    private Instant completingFrom;
    /** Attempts in a row that could not ask the targets whether they still hold what was copied. */
    private int unconfirmed;
    /** Since when they could not be asked; {@code null} while they answer. */
    private Instant unconfirmedSince;
    private Instant lastSaved;
    private boolean unsaved;
    /** The copies begun and not ended, by stream index: their scans stay open between batches. */
    private final Map<Integer, StreamRanges.Transfer> transfers = new HashMap<>();
    /** The batches under way, by stream index. */
    private final Map<Integer, Lane> lanes = new LinkedHashMap<>();
    private final PickStreams picking;
    private Finishing finishing;
    private Ending ended;
    private final LeaseHold lease;

    DriveChange(TopologyChange change, ChangeStore store, ClusterTopology topology, EpochFence fence,
                StreamRanges streaming, NodeProbe probe, Clock clock, ChangeSettings settings, ChangeEvents events) {
        this.change = Objects.requireNonNull(change, "change");
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.fence = Objects.requireNonNull(fence, "fence");
        this.streaming = Objects.requireNonNull(streaming, "streaming");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.streams = new ArrayList<>(change.streams());
        this.picking = new PickStreams(settings.streaming().concurrency());
        this.lastSaved = clock.now();
        // just started or claimed: the lease was granted no earlier than this
        this.lease = new LeaseHold(clock, settings.coordination().lease(), lastSaved);
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
     * which is rolled back with the progress last saved, unless it was handed over (then it is
     * thrown like any other, and retried: see {@link #handedOver()}).
     */
    public Step step() {
        if (ended != null) {
            return new Step.Ended(ended);
        }
        try {
            return finishing != null ? finish() : advance();
        } catch (PermanentFailureException e) {
            if (handedOver()) {
                // reads moved already: rolling the change back now is the hazard the hand-over avoids; retry
                throw e;
            }
            events.stepFailed(change.id(), e);
            finishing = new Finishing(ChangeStatus.FAILED, "a step failed in a way retrying cannot fix: " + e.getMessage(),
                    true);
            return finish();
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
        if (!forcedNodeAsked) {
            Optional<Step> back = rollBackIfTheForcedNodeAnswers();
            if (back.isPresent()) {
                return back.get();
            }
            forcedNodeAsked = true;
        }
        Optional<Step> stop = collect();
        if (stop.isPresent()) {
            return stop.get();
        }
        if (finishing != null) {
            return finish();
        }
        now = clock.now();
        if (unsaved && !now.isBefore(lastSaved.plus(settings.streaming().checkpointInterval())) && !save(now)) {
            return lost();
        }
        if (lanes.isEmpty() && streams.stream().allMatch(RangeStream::isDone)) {
            return complete(now);
        }
        Duration throttled = streaming.throttle().delay();
        if (!throttled.isPositive()) {
            launch(now);
        }
        Duration pause = throttled.isPositive() ? throttled : untilRetry(now).orElse(renewEvery());
        // never longer than a lease renewal: a cap raised meanwhile (change throttle) forgives what the old one
        // asked for, and the next step sees it
        Duration bounded = pause.compareTo(renewEvery()) < 0 ? pause : renewEvery();
        if (lanes.isEmpty()) {
            return new Step.Wait(bounded);
        }
        return new Step.WaitFor(CompletableFuture.anyOf(lanes.values().stream().map(Lane::result)
                .toArray(CompletableFuture[]::new)), bounded);
    }

    /**
     * A forced removal streams from the surviving replicas only: its node did not answer when the
     * removal was asked for. If it answers now, before anything streams here and before the
     * hand-over, it may hold acknowledged writes that no survivor has — a coordinator still on the
     * epoch before the change's can have given it one after it came back, for a key only it
     * replicates — and streaming from the survivors would leave those behind. So the change fails
     * and is rolled back: the node is NORMAL again, with everything it holds. Removing it without
     * force then streams from it. Asked once per driver, so a coordinator resuming the change asks
     * again; a node that does not answer lets the change go on.
     */
    private Optional<Step> rollBackIfTheForcedNodeAnswers() {
        if (!change.force() || change.type() != ChangeType.REMOVE_NODE || handedOver()) {
            return Optional.empty();
        }
        NodeId id = change.node().orElseThrow();
        // as stored, not as served here: a coordinator resuming the change may serve the ring from before
        // its hand-over still, and the hand-over, once made, must never be rolled back
        Optional<StorageNode> node = topology.reload().node(id);
        if (node.isEmpty() || node.get().state() != NodeState.LEAVING || probe.whyDown(node.get()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(end(ChangeStatus.FAILED, Optional.of("node " + id + " answers its health probe again, so it may "
                + "hold writes that its surviving replicas lack (a forced removal streams from those only); the removal was "
                + "rolled back: remove " + id + " again without --force, which streams from the node itself"), clock.now()));
    }

    private Optional<Step> awaitFence(Instant now) {
        switch (fence.check(change.ringEpoch())) {
            case EpochFence.Check.Serving serving -> {
                events.fenced(change);
                streamingFrom = now.plus(settings.coordination().settleDelay());
                return Optional.empty();
            }
            case EpochFence.Check.Behind behind -> {
                if (fenceWaitSince == null) {
                    fenceWaitSince = now;
                    events.awaitingEpoch(change, change.ringEpoch(), behind.coordinators());
                }
                if (!handedOver()
                        && Duration.between(fenceWaitSince, now).compareTo(settings.coordination().epochWaitTimeout()) >= 0) {
                    String who = String.join(", ", behind.coordinators().stream()
                            .map(m -> m.coordinatorId() + " (epoch " + m.servedEpoch() + ")").toList());
                    return Optional.of(end(ChangeStatus.FAILED, Optional.of("coordinators still served an older epoch than "
                            + change.ringEpoch() + " after " + settings.coordination().epochWaitTimeout() + ": " + who), now));
                }
                return Optional.of(new Step.Wait(FENCE_POLL));
            }
        }
    }

    /**
     * Whether reads have moved: this driver handed the change over, or (a change resumed) its node is
     * in its hand-over state already. From then on nothing ends the change as FAILED for taking long —
     * neither a stream failing past the timeout nor a coordinator behind the change's epoch — since
     * rolling it back would undo a change whose reads already moved, the hazard the hand-over fence
     * avoids; it retries instead.
     */
    private boolean handedOver() {
        if (handOverEpoch.isPresent()) {
            return true;
        }
        if (!change.type().concernsNode() || change.node().isEmpty()) {
            return false;
        }
        NodeState handOver = change.type().onHandOver();
        return topology.current().node(change.node().get()).map(n -> n.state() == handOver).orElse(false);
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
            return copyAgainWhatTargetsLost(now).orElseGet(() -> end(ChangeStatus.COMPLETED, Optional.empty(), now));
        }
        if (handOverEpoch.isEmpty()) {
            Optional<Step> again = copyAgainWhatTargetsLost(now);
            if (again.isPresent()) {
                return again.get();
            }
            // the streams' progress first: a coordinator resuming the change after the hand-over must not
            // copy from a source again, nor fail the change if that source is down, once reads have moved
            if (unsaved && !save(now)) {
                return lost();
            }
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
                case EpochFence.Check.Serving serving -> completingFrom = now.plus(settings.coordination().settleDelay());
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
        return copyAgainWhatTargetsLost(now).orElseGet(() -> end(ChangeStatus.COMPLETED, Optional.empty(), now));
    }

    /**
     * Before a change hands over and again before it ends: the done streams whose target started
     * over empty since they were copied to it (a disk lost or replaced) are copied again. Until the
     * change ends, writes still reach the replicas it streams from, so these hold everything the
     * target lost; once it has ended they are no longer replicas, and what the target lost would be
     * lost. A target that cannot be asked is asked again after a backoff, the change waiting
     * meanwhile; before the hand-over for at most the stream failure timeout, after which the change
     * fails (and is rolled back) as it would for a stream failing that long. The step to return
     * unless every target still holds what it was given.
     */
    private Optional<Step> copyAgainWhatTargetsLost(Instant now) {
        List<RangeStream> lost;
        try {
            lost = streaming.lostOnTheirTargets(streams, topology.current());
        } catch (PairDbException e) {
            if (unconfirmedSince == null) {
                unconfirmedSince = now;
            }
            Duration unconfirmedFor = Duration.between(unconfirmedSince, now);
            if (unconfirmedFor.compareTo(settings.streaming().failureTimeout()) >= 0 && !handedOver()) {
                // as a stream failing that long: a target gone for good must not hold the change (and every
                // change it conflicts with) for ever; before the hand-over, rolling it back is safe
                return Optional.of(end(ChangeStatus.FAILED, Optional.of("could not confirm for " + unconfirmedFor
                        + " that the change's targets still hold what was copied to them: " + e.getMessage()), now));
            }
            int count = ++unconfirmed;
            Duration pause = settings.streaming().backoff(count);
            events.stepFailed(change.id(), new PairDbException(e.subject(), "cannot confirm that the change's targets "
                    + "still hold what was copied to them, asking again in " + pause + ": " + e.getMessage(), e));
            return Optional.of(new Step.Wait(pause));
        }
        unconfirmed = 0;
        unconfirmedSince = null;
        if (lost.isEmpty()) {
            return Optional.empty();
        }
        for (RangeStream s : lost) {
            String why = "node " + s.target() + " started over with no data after range " + s.range()
                    + " was copied to it; copying the range again";
            RangeStream again = s.again(why);
            streams.set(s.index(), again);
            events.streamLost(change(), again, why);
        }
        unsaved = true;
        return Optional.of(new Step.Continue());
    }

    /** Starts a batch of as many streams as the concurrency allows, chosen by {@link PickStreams}. */
    private void launch(Instant now) {
        List<RangeStream> ready = new ArrayList<>();
        List<RangeStream> running = new ArrayList<>();
        for (RangeStream s : streams) {
            if (lanes.containsKey(s.index())) {
                running.add(s);
            } else if (!s.isDone() && !now.isBefore(retryAt.getOrDefault(s.index(), Instant.MIN))) {
                ready.add(s);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        TopologyView view = topology.current();
        Function<RangeStream, NodeId> sourceOf = s -> s.sources().stream()
                .filter(id -> view.node(id).map(n -> n.liveness() == Liveness.UP).orElse(false))
                .findFirst().orElse(s.sources().getFirst());
        long sources = streams.stream().filter(s -> !s.isDone()).map(sourceOf).distinct().count();
        for (RangeStream s : picking.pick(ready, running, transfers.keySet(), sourceOf, (int) sources)) {
            StreamRanges.Transfer transfer = transfers.computeIfAbsent(s.index(),
                    i -> streaming.resume(s, topology::current, lease));
            lanes.put(s.index(), new Lane(s.index(), transfer.nextElsewhere()));
        }
    }

    /** How long until the next stream waiting out a backoff may be retried, if one is. */
    private Optional<Duration> untilRetry(Instant now) {
        return streams.stream().filter(s -> !s.isDone() && !lanes.containsKey(s.index()))
                .map(s -> retryAt.get(s.index())).filter(at -> at != null && at.isAfter(now))
                .min(Instant::compareTo).map(at -> Duration.between(now, at));
    }

    /** Takes in the batches that ended; a step to return at once if one of them ends the driving here. */
    private Optional<Step> collect() {
        List<Lane> ended = lanes.values().stream().filter(l -> l.result().isDone()).toList();
        for (Lane lane : ended) {
            lanes.remove(lane.stream());
            Optional<Step> stop = took(lane, lane.result().join());
            if (stop.isPresent()) {
                return stop;
            }
        }
        return Optional.empty();
    }

    private Optional<Step> took(Lane lane, StreamRanges.Progress progress) {
        int index = lane.stream();
        RangeStream before = streams.get(index);
        switch (progress) {
            case StreamRanges.Progress.Copied copied -> {
                streams.set(index, copied.stream());
                events.streamProgressed(change, before, copied.stream());
                failures.remove(index);
                unsaved = true;
            }
            case StreamRanges.Progress.Finished finished -> {
                streams.set(index, finished.stream());
                events.streamProgressed(change, before, finished.stream());
                failures.remove(index);
                closeTransfer(index);
                unsaved = true;
            }
            case StreamRanges.Progress.Stopped stopped -> {
                return Optional.of(lost());
            }
            case StreamRanges.Progress.Failed failed -> {
                closeTransfer(index);
                Instant at = clock.now();
                RangeStream failing = before.failed(at, failed.error());
                streams.set(index, failing);
                unsaved = true;
                int count = failures.merge(index, 1, Integer::sum);
                Duration failingFor = Duration.between(failing.failingSince().orElse(at), at);
                if (failingFor.compareTo(settings.streaming().failureTimeout()) >= 0 && !handedOver()) {
                    if (finishing == null) {
                        finishing = new Finishing(ChangeStatus.FAILED, "stream " + index + " of range " + before.range()
                                + " to " + before.target() + " kept failing for " + failingFor + ": " + failed.error(), false);
                    }
                    return Optional.empty();
                }
                Duration pause = settings.streaming().backoff(count);
                retryAt.put(index, at.plus(pause));
                events.streamFailed(change(), failing, failed.error(), pause);
            }
        }
        return Optional.empty();
    }

    /**
     * Ends the change as {@link #finishing} says once no batch of it is under way; until then starts
     * none and waits for those that are.
     */
    private Step finish() {
        if (lease.isLost()) {
            return lost();
        }
        for (Lane lane : List.copyOf(lanes.values())) {
            if (lane.result().isDone()) {
                lanes.remove(lane.stream());
                closeTransfer(lane.stream());
            }
        }
        if (!lanes.isEmpty()) {
            return new Step.WaitFor(CompletableFuture.anyOf(lanes.values().stream().map(Lane::result)
                    .toArray(CompletableFuture[]::new)), renewEvery());
        }
        Finishing f = finishing;
        return end(f.status(), Optional.of(f.error()), f.lastSaved() ? change.streams() : List.copyOf(streams),
                clock.now());
    }

    /** Persists progress and renews the lease; false when the lease is lost. */
    private boolean save(Instant at) {
        ChangeStore.Held held = store.checkpoint(change.id(), settings.coordinatorId(), List.copyOf(streams), at,
                settings.coordination().lease());
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
        closeTransfers();
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
        // no batch under way starts another write: the next driver must meet none of this one's
        lease.lose();
        closeTransfers();
        ended = Ending.LEASE_LOST;
        events.leaseLost(change.id());
        return new Step.Ended(ended);
    }

    private Duration renewEvery() {
        return settings.coordination().lease().dividedBy(3);
    }

    /**
     * Renews the lease without touching the progress. Unlike the rest of this class it may run
     * while a step does (the renewal task of {@link RunChangeDrivers}): a step can take longer than the
     * lease. A lease found lost ends the driving at the next step, and no write starts meanwhile.
     *
     * @throws io.pairdb.core.PairDbException if the store cannot be reached (the lease then runs
     *                                        down, and writes stop before it ends)
     */
    public void renewLease() {
        Instant since = clock.now();
        switch (store.renew(change.id(), settings.coordinatorId(), settings.coordination().lease())) {
            case HELD -> lease.renewed(since);
            case LOST -> lease.lose();
        }
    }

    /**
     * Persists progress made since the last checkpoint, if any (an orderly stop, so whoever
     * resumes the change does not copy it again). Returns false when the lease is lost.
     */
    public boolean saveProgress() {
        if (ended != null) {
            return true;
        }
        // batches that reached their targets but were not taken in by a step yet count too
        if (collect().isPresent()) {
            return false;
        }
        return !unsaved || save(clock.now());
    }

    private void closeTransfer(int stream) {
        StreamRanges.Transfer transfer = transfers.remove(stream);
        if (transfer != null) {
            transfer.close();
        }
    }

    /** Closes every copy: at once if no batch of it is under way, else as soon as that batch ends. */
    private void closeTransfers() {
        for (Map.Entry<Integer, StreamRanges.Transfer> open : transfers.entrySet()) {
            Lane lane = lanes.get(open.getKey());
            StreamRanges.Transfer transfer = open.getValue();
            if (lane == null) {
                transfer.close();
            } else {
                lane.result().whenComplete((progress, error) -> transfer.close());
            }
        }
        transfers.clear();
        lanes.clear();
    }

    /** Stops driving without ending the change (shutdown): the lease runs out and another coordinator resumes. */
    @Override
    public void close() {
        lease.lose();
        closeTransfers();
    }
}
