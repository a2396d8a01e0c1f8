package io.pairdb.core.topology;

import io.pairdb.core.port.CoordinatorRegistry;
import java.time.Duration;
import java.util.List;

/**
 * What happens to topology changes on this coordinator, for logs, metrics and follow-up work
 * (handing a removed node's hints to their keys' replicas: {@code ReplayHintsWhenNodesLeave}). Called on the driving
 * thread: implementations must be quick and must not throw.
 */
public interface ChangeEvents {
    /** This coordinator started the change. */
    void started(TopologyChange change);

    /** This coordinator took over a change whose driver's lease had run out. */
    void resumed(TopologyChange change);

    /**
     * The change waits for these coordinators to serve {@code epoch}: its own before it streams, or
     * its hand-over epoch before it ends (reported once per wait).
     */
    void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind);

    /** Every live coordinator serves the change's epoch; streaming starts after the settle delay. */
    void fenced(TopologyChange change);

    /**
     * A stream moved on: a batch reached its target ({@code after} counts more keys and bytes than
     * {@code before}), or its whole range did ({@code after.isDone()}). Called for every batch.
     */
    void streamProgressed(TopologyChange change, RangeStream before, RangeStream after);

    /** An attempt of a stream failed; it is retried after {@code retryIn} unless the change fails. */
    void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn);

    /**
     * A done stream's target started over with no data since the stream was copied to it (its disk
     * was lost or replaced): the stream is copied again before the change hands over or ends.
     */
    void streamLost(TopologyChange change, RangeStream stream, String why);

    /**
     * A node change's streams are done and reads moved to the ring as it will be, at
     * {@code epoch}; it completes once every live coordinator serves that epoch.
     */
    void handedOver(TopologyChange change, long epoch);

    /** The change is over (COMPLETED or FAILED), as stored. */
    void ended(TopologyChange change);

    /** Another coordinator holds the change now; this one stopped driving it. */
    void leaseLost(ChangeId change);

    /** A step failed unexpectedly (e.g. the store was unreachable); it is retried. */
    void stepFailed(ChangeId change, RuntimeException error);

    /** Reports nothing. */
    ChangeEvents NONE = new ChangeEvents() {
        @Override
        public void started(TopologyChange change) {
        }

        @Override
        public void resumed(TopologyChange change) {
        }

        @Override
        public void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind) {
        }

        @Override
        public void fenced(TopologyChange change) {
        }

        @Override
        public void streamProgressed(TopologyChange change, RangeStream before, RangeStream after) {
        }

        @Override
        public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
        }

        @Override
        public void streamLost(TopologyChange change, RangeStream stream, String why) {
        }

        @Override
        public void handedOver(TopologyChange change, long epoch) {
        }

        @Override
        public void ended(TopologyChange change) {
        }

        @Override
        public void leaseLost(ChangeId change) {
        }

        @Override
        public void stepFailed(ChangeId change, RuntimeException error) {
        }
    };
}
