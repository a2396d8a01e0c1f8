package io.pairdb.cli.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** The histograms a run records into, all in microseconds with three significant digits. */
final class LatencyHistograms {

    /** Longer latencies are recorded as this; the per-call deadline ends requests long before. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final int SIGNIFICANT_DIGITS = 3;

    private LatencyHistograms() {
    }

    /** For the totals of a run: many threads record, one reads at the end. */
    static Histogram concurrent() {
        return new ConcurrentHistogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** For the progress line: many threads record, one takes a histogram per interval. */
    static Recorder intervals() {
        return new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    static long clamp(long micros) {
        return Math.max(0, Math.min(micros, HIGHEST_MICROS));
    }
}
