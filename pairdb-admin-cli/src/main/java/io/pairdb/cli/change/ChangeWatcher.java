package io.pairdb.cli.change;

import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.Host;
import io.pairdb.cli.output.OutputFormat;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Follows a topology change (or a repair run: anything {@link Watched}) until it ends
 * ({@code --watch}): polls {@code GetChange} (or what it is given), shows
 * ranges done of total, keys and bytes copied, the copy rate and an ETA — as a progress bar on a
 * terminal, as a plain line every few seconds otherwise (logs, CI) — then prints the final status
 * line and answers the exit code of the outcome: COMPLETED {@value ExitCodes#OK}, FAILED or
 * ROLLED_BACK {@value ExitCodes#SERVER_ERROR}. A coordinator that cannot be reached ends the watch
 * through the usual error (exit {@value ExitCodes#SERVER_ERROR}). Any command that gets a change id
 * back (node add/remove, and RF changes) can follow it with {@link #forCommand}.
 */
public final class ChangeWatcher<T extends Watched> {

    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration LINE_INTERVAL = Duration.ofSeconds(5);
    private static final int BAR_WIDTH = 120;

    /** Waits between polls; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Function<String, T> poll;
    private final Pause pause;
    private final InstantSource clock;
    private final PrintStream out;
    private final boolean terminal;

    public ChangeWatcher(Function<String, T> poll, Pause pause, InstantSource clock, PrintStream out,
                         boolean terminal) {
        this.poll = Objects.requireNonNull(poll, "poll");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /**
     * A watcher for a command: polls through its coordinator connection, draws on stdout with
     * {@code -o table} (a bar only when stdout is a terminal) and on stderr otherwise, so stdout
     * keeps one JSON or YAML document.
     */
    public static ChangeWatcher<ChangeView> forCommand(CommonOptions options, Host host) {
        return forCommand(options, host, id -> ChangeView.from(options.admin().getChange(
                GetChangeRequest.newBuilder().setChangeId(id).build()).getChange()));
    }

    /** As {@link #forCommand(CommonOptions, Host)}, following what {@code poll} answers for an id. */
    public static <W extends Watched> ChangeWatcher<W> forCommand(CommonOptions options, Host host,
                                                                 Function<String, W> poll) {
        boolean table = options.output() == OutputFormat.TABLE;
        options.out().flush();
        return new ChangeWatcher<>(poll,
                duration -> Thread.sleep(duration),
                InstantSource.system(),
                table ? host.out() : host.err(),
                table && host.stdoutIsTerminal());
    }

    /**
     * Prints a command's answer about a change it started, then, with {@code watch}, follows the
     * change to its end (progress on stdout with {@code -o table}, else on stderr after the
     * document): the exit code is the change's outcome's.
     */
    public static int printAndWatch(CommonOptions options, Host host, boolean watch, Object document, String text,
                                    ChangeView change) {
        int printed = options.print(document, text);
        if (!watch || change.changeId().isEmpty()) {
            return printed;
        }
        if (!"IN_PROGRESS".equals(change.status())) {
            return exitCode(change.status());
        }
        return forCommand(options, host).watch(change.changeId());
    }

    /** The outcome's exit code: 0 for COMPLETED, 2 for FAILED, ROLLED_BACK or a status this CLI does not know. */
    public static int exitCode(String status) {
        return "COMPLETED".equals(status) ? ExitCodes.OK : ExitCodes.SERVER_ERROR;
    }

    /** Polls until the change ends; returns the last state seen. */
    public T follow(String changeId) {
        Instant started = clock.instant();
        T change = poll.apply(changeId);
        try (Display display = terminal ? new Bar(change, started) : new Lines(started)) {
            display.show(change, clock.instant());
            while (change.running()) {
                pause.sleep(POLL_INTERVAL);
                change = poll.apply(changeId);
                display.show(change, clock.instant());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.local("interrupted while watching " + changeId + "; it goes on");
        }
        out.println(change.finalLine(Duration.between(started, clock.instant())));
        out.flush();
        return change;
    }

    /** Polls until the change ends and answers the exit code of its outcome. */
    public int watch(String changeId) {
        return follow(changeId).succeeded() ? ExitCodes.OK : ExitCodes.SERVER_ERROR;
    }

    /** e.g. {@code 45s}, {@code 3m07s}, {@code 1h02m}. */
    public static String duration(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return "%dm%02ds".formatted(seconds / 60, seconds % 60);
        }
        return "%dh%02dm".formatted(seconds / 3600, (seconds % 3600) / 60);
    }

    private sealed interface Display extends AutoCloseable {
        void show(Watched watched, Instant now);

        @Override
        void close();
    }

    /** Rates over the watch so far: keys per second and the time left at the ranges' pace. */
    record Rates(double keysPerSecond, Duration eta) {
        static Rates between(Watched first, Instant firstAt, Watched now, Instant at) {
            double seconds = Math.max(0.001, Duration.between(firstAt, at).toMillis() / 1000.0);
            double keys = (now.keys() - first.keys()) / seconds;
            int rangesDone = now.rangesDone() - first.rangesDone();
            int rangesLeft = now.rangesTotal() - now.rangesDone();
            Duration eta = rangesDone <= 0 ? null : Duration.ofMillis((long) (rangesLeft * seconds / rangesDone * 1000));
            return new Rates(keys, eta);
        }

        String keysText() {
            return String.format(Locale.ROOT, "%.0f keys/s", keysPerSecond);
        }

        String etaText() {
            return eta == null ? "ETA ?" : "ETA " + duration(eta);
        }
    }

    /** A line every {@link #LINE_INTERVAL}, and one for each status change. */
    private final class Lines implements Display {
        private final Instant started;
        private Watched first;
        private Instant lastLine;
        private String lastStatus;

        Lines(Instant started) {
            this.started = started;
        }

        @Override
        public void show(Watched c, Instant now) {
            if (first == null) {
                first = c;
            }
            boolean due = lastLine == null || !Duration.between(lastLine, now).minus(LINE_INTERVAL).isNegative();
            if (!c.running() || !(due || !c.status().equals(lastStatus))) {
                return;
            }
            Rates rates = Rates.between(first, started, c, now);
            double share = c.rangesTotal() == 0 ? 100.0 : 100.0 * c.rangesDone() / c.rangesTotal();
            out.println("%s %s %d/%d ranges (%s), %s, %s, %s".formatted(c.id(), c.status(), c.rangesDone(),
                    c.rangesTotal(), String.format(Locale.ROOT, "%.1f%%", share), c.amounts(), rates.keysText(),
                    rates.etaText()));
            out.flush();
            lastLine = now;
            lastStatus = c.status();
        }

        @Override
        public void close() {
        }
    }

    /** The progress bar of ranges done; the library draws the rate of ranges and the ETA. */
    private final class Bar implements Display {
        private final ProgressBar bar;
        private final Watched first;
        private final Instant started;

        Bar(Watched first, Instant started) {
            this.first = first;
            this.started = started;
            this.bar = new ProgressBarBuilder()
                    .setTaskName(first.id())
                    .setInitialMax(Math.max(1, first.rangesTotal()))
                    .setUnit(" ranges", 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setConsumer(new ConsoleProgressBarConsumer(out, BAR_WIDTH))
                    .setUpdateIntervalMillis((int) POLL_INTERVAL.toMillis())
                    .showSpeed()
                    .build();
        }

        @Override
        public void show(Watched c, Instant now) {
            bar.maxHint(Math.max(1, c.rangesTotal()));
            bar.stepTo(c.rangesTotal() == 0 ? 1 : c.rangesDone());
            bar.setExtraMessage(" | %s, %s".formatted(c.amounts(), Rates.between(first, started, c, now).keysText()));
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
