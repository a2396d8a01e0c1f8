package io.pairdb.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The line on stderr that says how a run is going: phase, time, throughput and p99 of the last
 * interval, errors so far. On a terminal it is rewritten in place every second; otherwise (a
 * log, a pipe) a plain line is printed every {@link #PLAIN_INTERVAL}. Requests report to it from
 * any thread; a timer thread of its own prints.
 */
final class Progress implements AutoCloseable {

    static final Duration TERMINAL_INTERVAL = Duration.ofSeconds(1);
    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(5);

    private final PrintStream err;
    private final boolean inPlace;
    private final Recorder latencies = LatencyHistograms.intervals();
    private final LongAdder errors = new LongAdder();
    private final ScheduledExecutorService timer;
    private Histogram interval;
    private long lastTickNanos;
    private int lastLineLength;
    private boolean closed;
    private volatile Phase phase = new Phase("starting", System.nanoTime(), "");

    private record Phase(String name, long startNanos, String goal) {
    }

    /** @param every how often to print; null: never */
    private Progress(PrintStream err, boolean inPlace, Duration every) {
        this.err = err;
        this.inPlace = inPlace;
        this.lastTickNanos = System.nanoTime();
        if (every == null) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::print, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Prints to {@code err}, in place when it is this process's own stderr and that is a terminal. */
    static Progress to(PrintStream err) {
        boolean terminal = err == System.err && System.console() != null && System.console().isTerminal();
        return new Progress(err, terminal, terminal ? TERMINAL_INTERVAL : PLAIN_INTERVAL);
    }

    /** Reports nothing. */
    static Progress silent() {
        return new Progress(null, false, null);
    }

    /** Prints only when {@link #print()} is called. */
    static Progress manual(PrintStream err, boolean inPlace) {
        return new Progress(err, inPlace, null);
    }

    void phase(String name, String goal) {
        phase = new Phase(name, System.nanoTime(), goal);
    }

    void succeeded(long micros) {
        latencies.recordValue(LatencyHistograms.clamp(micros));
    }

    void failed() {
        errors.increment();
    }

    synchronized void print() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        interval = latencies.getIntervalHistogram(interval);
        double seconds = Math.max(1e-9, (now - lastTickNanos) / 1e9);
        lastTickNanos = now;
        Phase current = phase;
        String line = String.format(Locale.ROOT, "bench %s %ds%s  %.0f ops/s  p99 %s ms  errors %d",
                current.name(), (now - current.startNanos()) / 1_000_000_000L, current.goal(),
                interval.getTotalCount() / seconds, BenchReportText.millis(interval.getValueAtPercentile(99)),
                errors.sum());
        if (inPlace) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLineLength - line.length())));
            lastLineLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        if (inPlace && lastLineLength > 0) {
            err.println();
            err.flush();
        }
    }
}
