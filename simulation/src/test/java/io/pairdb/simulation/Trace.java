package io.pairdb.simulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What happened in a run, line by line: client operations, what coordinators and nodes did, which
 * faults fired. Every line goes into a running digest (two runs of one seed must agree on it) and
 * into a window of the last lines (shown with a failure); all of them are kept, or printed as they
 * come, when asked. {@link Level#DEBUG} adds every storage call and store failure.
 */
final class Trace {
    enum Level { INFO, DEBUG }

    private static final int WINDOW = 400;

    private final Level level;
    private final boolean keepAll;
    private final boolean print;
    private final ArrayDeque<String> window = new ArrayDeque<>();
    private final List<String> all = new ArrayList<>();
    private LongSupplier clock = () -> 0;
    private long digest = 1125899906842597L;
    private long lines;

    Trace(Level level, boolean keepAll, boolean print) {
        this.level = level;
        this.keepAll = keepAll;
        this.print = print;
    }

    void clock(LongSupplier micros) {
        this.clock = micros;
    }

    boolean debug() {
        return level == Level.DEBUG;
    }

    void line(String who, String what) {
        String line = time(clock.getAsLong()) + " " + who + ": " + what;
        for (int i = 0; i < line.length(); i++) {
            digest = 31 * digest + line.charAt(i);
        }
        lines++;
        if (window.size() == WINDOW) {
            window.removeFirst();
        }
        window.addLast(line);
        if (keepAll) {
            all.add(line);
        }
        if (print) {
            System.out.println(line);
        }
    }

    void debug(String who, Supplier<String> what) {
        if (level == Level.DEBUG) {
            line(who, what.get());
        }
    }

    long digest() {
        return digest;
    }

    long lines() {
        return lines;
    }

    List<String> all() {
        return List.copyOf(all);
    }

    List<String> lastLines() {
        return List.copyOf(window);
    }

    static String time(long micros) {
        return String.format("%4d.%06ds", micros / 1_000_000, micros % 1_000_000);
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName()).append(": ").append(t.getMessage());
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(8, frames.length); i++) {
            sb.append("\n      at ").append(frames[i]);
        }
        if (t.getCause() != null && t.getCause() != t) {
            sb.append("\n    caused by ").append(describe(t.getCause()));
        }
        return sb.toString();
    }
}
