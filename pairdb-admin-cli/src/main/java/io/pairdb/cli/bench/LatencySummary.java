package io.pairdb.cli.bench;

import org.HdrHistogram.Histogram;

/**
 * Latencies of the successful requests of a run, in microseconds. Percentiles are HdrHistogram's:
 * exact to three significant digits (a reported 4 217 µs is a true value within 4 215–4 219).
 * All zero when nothing was recorded.
 */
record LatencySummary(long count, double mean, long p50, long p95, long p99, long p99_9, long max) {

    static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    static LatencySummary of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(
                histogram.getTotalCount(),
                Math.round(histogram.getMean() * 10) / 10.0,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(95),
                histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }
}
