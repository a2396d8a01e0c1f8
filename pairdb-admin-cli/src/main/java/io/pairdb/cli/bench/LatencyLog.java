package io.pairdb.cli.bench;

import io.pairdb.cli.CommandFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * The measured requests' latencies as an HdrHistogram interval log ({@code --latency-log}): one
 * histogram per {@link #INTERVAL} and per tag ({@code write}, {@code read}, and {@code write-error},
 * {@code read-error} for the time failures took), each stamped with its start and end in wall-clock
 * time. A script can then take the percentiles of any window of the run, such as the seconds in
 * which a node was joining ({@code bench/LatencyWindow.java}). Requests record from any thread; a
 * timer thread of its own writes.
 */
final class LatencyLog implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(500);

    private final HistogramLogWriter writer;
    private final PrintStream out;
    private final Map<Operation, Recorder> successes = new EnumMap<>(Operation.class);
    private final Map<Operation, Recorder> failures = new EnumMap<>(Operation.class);
    private ScheduledExecutorService timer;

    private LatencyLog(Path file) {
        try {
            this.out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw CommandFailure.local("cannot write the latency log " + file + ": " + e.getMessage(), e);
        }
        this.writer = new HistogramLogWriter(out);
        for (Operation operation : Operation.values()) {
            successes.put(operation, LatencyHistograms.intervals());
            failures.put(operation, LatencyHistograms.intervals());
        }
    }

    /** A log written to {@code file}, which it replaces. */
    static LatencyLog to(Path file) {
        return new LatencyLog(file);
    }

    /** Starts the intervals: from now on, every {@link #INTERVAL} the recorded latencies go to the file. */
    synchronized void start() {
        long now = System.currentTimeMillis();
        writer.outputLogFormatVersion();
        writer.outputComment("pairdb-admin bench: latencies of the measured requests in microseconds, per tag");
        writer.outputStartTime(now);
        writer.setBaseTime(now);
        writer.outputBaseTime(now);
        writer.outputLegend();
        // the recorders' first intervals start now, not when they were made
        successes.values().forEach(Recorder::reset);
        failures.values().forEach(Recorder::reset);
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-latency-log");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::writeIntervals, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    void record(Operation operation, boolean succeeded, long micros) {
        (succeeded ? successes : failures).get(operation).recordValue(LatencyHistograms.clamp(micros));
    }

    private synchronized void writeIntervals() {
        for (Operation operation : Operation.values()) {
            write(successes.get(operation).getIntervalHistogram(), operation.label());
            write(failures.get(operation).getIntervalHistogram(), operation.label() + "-error");
        }
        out.flush();
    }

    private void write(Histogram interval, String tag) {
        // an empty interval says nothing a reader needs: a window without it has no requests there
        if (interval.getTotalCount() > 0) {
            interval.setTag(tag);
            writer.outputIntervalHistogram(interval);
        }
    }

    /** Writes the last, partial interval and closes the file. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            writeIntervals();
        }
        out.close();
        if (out.checkError()) {
            throw CommandFailure.local("the latency log could not be written completely");
        }
    }
}
