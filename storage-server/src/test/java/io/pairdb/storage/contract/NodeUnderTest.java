package io.pairdb.storage.contract;

import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** A running node of the implementation under test, as {@link StorageNodeContract} drives it. */
public interface NodeUnderTest extends AutoCloseable {

    /** A channel to the node's gRPC server (TCP or in process); closed with the node. */
    ManagedChannel channel();

    /** Purges the tombstones older than the gc grace by the node's clock now, as its periodic sweep does. */
    int purgeExpiredTombstones();

    /** Stops the node and closes the channel. */
    @Override
    void close();

    /**
     * How the suite wants a node started.
     *
     * @param clock what tombstone ages are measured against; tests move it by hand
     */
    record Settings(String nodeId, Clock clock, Duration tombstoneGcGrace, Duration tombstoneSweepInterval) {
        public Settings {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(tombstoneGcGrace, "tombstoneGcGrace");
            Objects.requireNonNull(tombstoneSweepInterval, "tombstoneSweepInterval");
        }

        public static Settings defaults() {
            return new Settings("node-under-test", Clock.systemUTC(), Duration.ofDays(10), Duration.ofMinutes(1));
        }

        public Settings withClock(Clock newClock) {
            return new Settings(nodeId, newClock, tombstoneGcGrace, tombstoneSweepInterval);
        }

        public Settings withTombstoneGcGrace(Duration grace) {
            return new Settings(nodeId, clock, grace, tombstoneSweepInterval);
        }

        public Settings withTombstoneSweepInterval(Duration interval) {
            return new Settings(nodeId, clock, tombstoneGcGrace, interval);
        }
    }

    /** A node made of a channel, its purge hook and how to stop it. */
    static NodeUnderTest of(ManagedChannel channel, IntSupplier purge, Runnable stop) {
        return new NodeUnderTest() {
            @Override
            public ManagedChannel channel() {
                return channel;
            }

            @Override
            public int purgeExpiredTombstones() {
                return purge.getAsInt();
            }

            @Override
            public void close() {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stop.run();
                }
            }
        };
    }
}
