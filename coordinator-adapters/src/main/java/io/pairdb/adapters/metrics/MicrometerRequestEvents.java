package io.pairdb.adapters.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pairdb.adapters.runtime.LogBudget;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.RequestEvents;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the data path reports ({@link RequestEvents}) as Micrometer meters (Prometheus names in the
 * comments). Labels are bounded sets only: operation, consistency, status. Never the tenant: one series per tenant
 * would grow without bound and leak who the customers are.
 *
 * <p>A hint that could not be stored is also one WARN line: that replica misses the write until
 * a read repairs it, which an operator should hear about, not only count. So is an idempotency
 * record that could not be stored after its write. Each kind of line has a {@link LogBudget}: under overload hints
 * fail by the thousand a second, and the counters have every one.
 */
public final class MicrometerRequestEvents implements RequestEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerRequestEvents.class);
    /** Request latency buckets: from a cache-hot read to past the 5 s write deadline. */
    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final LogBudget hintLines;
    private final LogBudget idempotencyLines;
    /** Per operation, per status / consistency level: looked up on every request without building a key. */
    private final Map<Operation, Map<String, Counter>> requests = new EnumMap<>(Operation.class);
    private final Map<Operation, Map<ConsistencyLevel, Timer>> durations = new EnumMap<>(Operation.class);
    private final Map<Operation, Counter> quorumFailures = new EnumMap<>(Operation.class);
    private final Counter conflicts;
    private final Counter repairsTriggered;
    private final Counter repairsDropped;
    private final Counter hintsStored;
    private final Map<HintStoreFailure, Counter> hintStoreFailures = new EnumMap<>(HintStoreFailure.class);
    private final Counter idempotencyRecordFailures;
    private final Counter speculationsSent;
    private final Counter speculationsWon;

    /** With the default budget for each kind of WARN line. */
    public MicrometerRequestEvents(MeterRegistry registry) {
        this(registry, new LogBudget(LogBudget.DEFAULT_LINES_PER_SECOND),
                new LogBudget(LogBudget.DEFAULT_LINES_PER_SECOND));
    }

    /** @param hintLines budget of the lines on hints not stored; {@code idempotencyLines}, on idempotency records */
    public MicrometerRequestEvents(MeterRegistry registry, LogBudget hintLines, LogBudget idempotencyLines) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hintLines = Objects.requireNonNull(hintLines, "hintLines");
        this.idempotencyLines = Objects.requireNonNull(idempotencyLines, "idempotencyLines");
        for (Operation op : Operation.values()) {
            requests.put(op, new ConcurrentHashMap<>());
            durations.put(op, new ConcurrentHashMap<>());
            // coordinator_quorum_failures_total{operation}
            quorumFailures.put(op, Counter.builder("coordinator.quorum.failures")
                    .description("Requests that could not reach their consistency level (too few live replicas, "
                            + "replica failures or the deadline)")
                    .tag("operation", name(op)).register(registry));
        }
        conflicts = Counter.builder("coordinator.conflicts.detected")
                .description("Reads whose replicas held concurrent versions").register(registry);
        repairsTriggered = Counter.builder("coordinator.repairs.triggered")
                .description("Read-repair calls sent to stale replicas").register(registry);
        repairsDropped = Counter.builder("coordinator.repairs.dropped")
                .description("Read repairs not attempted: one already running for the key, or too many in flight")
                .register(registry);
        hintsStored = Counter.builder("coordinator.hints.stored")
                .description("Hints stored for replica writes that did not reach their node").register(registry);
        for (HintStoreFailure reason : HintStoreFailure.values()) {
            // coordinator_hint_store_failures_total{reason}
            hintStoreFailures.put(reason, Counter.builder("coordinator.hint.store.failures")
                    .description("Hints not stored (error: the store failed; deadline: not stored by the request's "
                            + "deadline; overloaded: too many hint stores running): that replica misses the write "
                            + "until it is repaired")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        // coordinator_speculations_sent_total, coordinator_speculations_won_total
        speculationsSent = Counter.builder("coordinator.speculations.sent")
                .description("Read rounds that waited past their speculation policy and asked a spare replica")
                .register(registry);
        speculationsWon = Counter.builder("coordinator.speculations.won")
                .description("Speculative reads whose spare gave one of the answers that completed the quorum")
                .register(registry);
        // coordinator_idempotency_record_failures_total
        idempotencyRecordFailures = Counter.builder("coordinator.idempotency.record.failures")
                .description("Idempotency records or releases that could not be stored after the write ran: a retry "
                        + "may run the write again once its in-progress marker expires")
                .register(registry);
    }

    @Override
    public void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed) {
        // coordinator_requests_total{operation,status}
        requests.get(operation).computeIfAbsent(status, k -> Counter.builder("coordinator.requests")
                .description("Data-plane requests by outcome")
                .tag("operation", name(operation)).tag("status", status)
                .register(registry)).increment();
        // coordinator_request_duration_seconds{operation,consistency} (histogram)
        durations.get(operation).computeIfAbsent(consistency, k -> Timer.builder("coordinator.request.duration")
                .description("Data-plane request latency, whatever the outcome")
                .tag("operation", name(operation)).tag("consistency", consistency.wireName())
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(elapsed);
    }

    @Override
    public void conflictDetected() {
        conflicts.increment();
    }

    @Override
    public void repairTriggered() {
        repairsTriggered.increment();
    }

    @Override
    public void repairDropped() {
        repairsDropped.increment();
    }

    @Override
    public void quorumFailure(Operation operation) {
        quorumFailures.get(operation).increment();
    }

    @Override
    public void hintStored() {
        hintsStored.increment();
    }

    @Override
    public void hintStoreFailed(HintStoreFailure reason) {
        hintStoreFailures.get(reason).increment();
        String why = switch (reason) {
            case ERROR -> "the hint store failed";
            case DEADLINE -> "the hint store had not finished by the request's deadline";
            case OVERLOADED -> "too many hint stores were running";
        };
        warn(hintLines, "hint_store_failed", reason.name().toLowerCase(Locale.ROOT),
                "could not store a hint (" + why + "): a replica misses a write until a read repairs it "
                        + "(coordinator_hint_store_failures_total)");
    }

    @Override
    public void speculationSent() {
        speculationsSent.increment();
    }

    @Override
    public void speculationWon() {
        speculationsWon.increment();
    }

    @Override
    public void idempotencyRecordFailed(String detail) {
        idempotencyRecordFailures.increment();
        warn(idempotencyLines, "idempotency_record_failed", null, detail + "; the write was answered as it ended, "
                + "and a retry with its key may run it again once the in-progress marker expires "
                + "(coordinator_idempotency_record_failures_total)");
    }

    /** One WARN line of an event, if its budget has room; the line says how many like it were left out before it. */
    private static void warn(LogBudget budget, String event, String reason, String message) {
        var admitted = budget.admit();
        if (admitted.isEmpty()) {
            return;
        }
        long leftOut = admitted.getAsLong();
        var line = LOG.atWarn().addKeyValue("event", event);
        if (reason != null) {
            line = line.addKeyValue("reason", reason);
        }
        if (leftOut > 0) {
            line = line.addKeyValue("lines_left_out", leftOut);
        }
        line.log("{}{}", message, LogBudget.leftOutNote(leftOut));
    }

    private static String name(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }
}
