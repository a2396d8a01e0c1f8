package io.pairdb.core.topology;

import io.pairdb.core.port.StorageRanges;

import java.time.Duration;
import java.util.Objects;

/**
 * How topology changes are driven (defaults in {@link #defaults}), grouped by purpose.
 *
 * @param coordinatorId this coordinator instance: its heartbeats and the leases it holds
 * @param coordination  how a change is held and fenced among the coordinators
 * @param streaming     how a change's range streams copy
 * @param nodeChecks    what a node is checked for before it is added or removed
 */
public record ChangeSettings(String coordinatorId, Coordination coordination, Streaming streaming, NodeChecks nodeChecks) {
    public static final Duration DEFAULT_MIN_TOMBSTONE_GC_GRACE = Duration.ofDays(10);

    /**
     * Streams of a change copied at once by default: enough to hide each batch's round trips behind
     * the others' on a handful of source nodes, few enough that live traffic keeps its share.
     */
    public static final int DEFAULT_STREAM_CONCURRENCY = 4;

    /**
     * How a change is held and fenced among the coordinators.
     *
     * @param lease            how long a change stays with its driver without a renewal
     * @param livenessTimeout  a coordinator silent for longer is no longer waited for
     * @param epochWaitTimeout how long a change waits for every live coordinator to serve its epoch
     *                         before it fails (and is rolled back)
     * @param settleDelay      after that, how long requests already under way on the previous epoch
     *                         get to finish before streaming starts (the write timeout)
     */
    public record Coordination(Duration lease, Duration livenessTimeout, Duration epochWaitTimeout, Duration settleDelay) {
        public Coordination {
            positive(lease, "lease");
            positive(livenessTimeout, "liveness timeout");
            positive(epochWaitTimeout, "epoch wait timeout");
            notNegative(settleDelay, "settle delay");
        }
    }

    /**
     * How a change's range streams copy.
     *
     * @param failureTimeout      a stream failing for this long fails the change (rolled back) before its
     *                            hand-over; after it the stream is retried until it succeeds
     * @param retryBackoffInitial first pause after a failed stream attempt; doubles per failure
     * @param retryBackoffMax     the longest pause between attempts
     * @param batchEntries        most entries per scanned batch and per batch write
     * @param batchBytes          most bytes per batch write
     * @param storageTimeout      bound on each storage call of a stream (one batch read or written)
     * @param checkpointInterval  progress is persisted at least this often while streaming
     * @param concurrency         how many streams of a change copy at once (spread over the source
     *                            nodes, see {@link PickStreams})
     */
    public record Streaming(Duration failureTimeout, Duration retryBackoffInitial, Duration retryBackoffMax,
                            int batchEntries, long batchBytes, Duration storageTimeout, Duration checkpointInterval,
                            int concurrency) {
        public Streaming {
            positive(failureTimeout, "stream failure timeout");
            positive(retryBackoffInitial, "retry backoff");
            positive(retryBackoffMax, "maximum retry backoff");
            positive(storageTimeout, "storage timeout");
            notNegative(checkpointInterval, "checkpoint interval");
            if (retryBackoffMax.compareTo(retryBackoffInitial) < 0) {
                throw new IllegalArgumentException("maximum retry backoff must not be below the initial one");
            }
            if (batchEntries < 1) {
                throw new IllegalArgumentException("batch entries must be at least 1, was " + batchEntries);
            }
            if (batchBytes < 1024 || batchBytes > StorageRanges.MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("batch bytes must be within 1024.." + StorageRanges.MAX_BATCH_BYTES
                        + " (a storage node takes requests of up to 4 MiB), was " + batchBytes);
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("stream concurrency must be at least 1, was " + concurrency);
            }
        }

        /** These settings with batches of at most {@code entries} entries and {@code bytes} bytes. */
        public Streaming withBatches(int entries, long bytes) {
            return new Streaming(failureTimeout, retryBackoffInitial, retryBackoffMax, entries, bytes, storageTimeout,
                    checkpointInterval, concurrency);
        }

        /** These settings with progress persisted at least every {@code interval}. */
        public Streaming withCheckpointInterval(Duration interval) {
            return new Streaming(failureTimeout, retryBackoffInitial, retryBackoffMax, batchEntries, batchBytes,
                    storageTimeout, interval, concurrency);
        }

        /** These settings with {@code streams} streams of a change copied at once. */
        public Streaming withConcurrency(int streams) {
            return new Streaming(failureTimeout, retryBackoffInitial, retryBackoffMax, batchEntries, batchBytes,
                    storageTimeout, checkpointInterval, streams);
        }

        /** The pause before attempt {@code failures + 1} of a stream that failed {@code failures} times in a row. */
        public Duration backoff(int failures) {
            Duration pause = retryBackoffInitial;
            for (int i = 1; i < failures && pause.compareTo(retryBackoffMax) < 0; i++) {
                pause = pause.multipliedBy(2);
            }
            return pause.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : pause;
        }
    }

    /**
     * What a node is checked for before it is added or removed.
     *
     * @param healthTimeout       bound on the health probe of a node about to be added or removed
     * @param minTombstoneGcGrace the shortest tombstone gc grace a node may report and still be added:
     *                            hints and cleanups are sized to finish within it
     */
    public record NodeChecks(Duration healthTimeout, Duration minTombstoneGcGrace) {
        public NodeChecks {
            positive(healthTimeout, "health timeout");
            positive(minTombstoneGcGrace, "shortest tombstone gc grace");
        }

        /** With the default shortest gc grace (10 days, the storage nodes' own default). */
        public NodeChecks(Duration healthTimeout) {
            this(healthTimeout, DEFAULT_MIN_TOMBSTONE_GC_GRACE);
        }
    }

    public ChangeSettings {
        Objects.requireNonNull(coordinatorId, "coordinatorId");
        if (coordinatorId.isBlank()) {
            throw new IllegalArgumentException("coordinator id must not be blank");
        }
        Objects.requireNonNull(coordination, "coordination");
        Objects.requireNonNull(streaming, "streaming");
        Objects.requireNonNull(nodeChecks, "nodeChecks");
        if (coordination.lease().compareTo(streaming.storageTimeout().multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the lease (" + coordination.lease() + ") must be at least twice the "
                    + "storage timeout (" + streaming.storageTimeout() + "): a driver writes a batch only while its "
                    + "lease outlasts the write");
        }
    }

    /** These settings with {@code streaming} instead. */
    public ChangeSettings withStreaming(Streaming streaming) {
        return new ChangeSettings(coordinatorId, coordination, streaming, nodeChecks);
    }

    /** These settings with {@code streams} streams of a change copied at once. */
    public ChangeSettings withStreamConcurrency(int streams) {
        return withStreaming(streaming.withConcurrency(streams));
    }

    public static ChangeSettings defaults(String coordinatorId) {
        return new ChangeSettings(coordinatorId,
                new Coordination(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofSeconds(5)),
                new Streaming(Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofSeconds(30), 500, 1024 * 1024,
                        Duration.ofSeconds(10), Duration.ofSeconds(1), DEFAULT_STREAM_CONCURRENCY),
                new NodeChecks(Duration.ofSeconds(2)));
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (!d.isPositive()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }

    private static void notNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
    }
}
