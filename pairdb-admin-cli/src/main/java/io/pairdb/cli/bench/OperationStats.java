package io.pairdb.cli.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What the measured requests of one kind ended with: latencies of the successes, failures by
 * gRPC status code (with the first message seen for each, and how long each took to come back:
 * a shed request should be answered at once). Safe for the callbacks of many threads; read once
 * they are done.
 */
final class OperationStats {

    private final Histogram latencies = LatencyHistograms.concurrent();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstErrors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> errorLatencies = new ConcurrentHashMap<>();

    void succeeded(long micros) {
        latencies.recordValue(LatencyHistograms.clamp(micros));
    }

    /** A failure answered after {@code micros}. */
    void failed(String status, String message, long micros) {
        errors.computeIfAbsent(status, s -> new LongAdder()).increment();
        firstErrors.putIfAbsent(status, message);
        errorLatencies.computeIfAbsent(status, s -> LatencyHistograms.concurrent())
                .recordValue(LatencyHistograms.clamp(micros));
    }

    Histogram latencies() {
        return latencies;
    }

    long successes() {
        return latencies.getTotalCount();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Failures per status code, in name order. */
    Map<String, Long> errorsByStatus() {
        Map<String, Long> counts = new TreeMap<>();
        errors.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    /** How long the failures took to come back, per status code, in name order. */
    Map<String, Histogram> errorLatencies() {
        return new TreeMap<>(errorLatencies);
    }

    /** The first message seen per status code, in name order. */
    Map<String, String> firstErrors() {
        return new TreeMap<>(firstErrors);
    }
}
