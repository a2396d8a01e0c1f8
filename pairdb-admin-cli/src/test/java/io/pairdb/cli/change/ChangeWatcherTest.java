package io.pairdb.cli.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChangeWatcherTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A manual clock that the watcher's pause moves forward, so no test sleeps. */
    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static ChangeView change(String status, int done, int total, long keys, long bytes, String error) {
        return new ChangeView("add-n4-e5", "ADD_NODE", "n4", status, 5, false, 0,
                new ChangeView.Totals(total, total - done, 0, done, keys, bytes), START, START, null, error, null, null,
                List.of(), null, null, null, null);
    }

    private ChangeWatcher<ChangeView> watcher(boolean terminal, ChangeView... states) {
        Deque<ChangeView> polls = new ArrayDeque<>(List.of(states));
        return new ChangeWatcher<>(id -> polls.size() > 1 ? polls.poll() : polls.peek(),
                pause -> now.updateAndGet(t -> t.plus(pause)), now::get, out, terminal);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void aCompletedChangeExitsZeroWithItsFinalStatusLine() {
        int exit = watcher(false,
                change("IN_PROGRESS", 0, 10, 0, 0, null),
                change("IN_PROGRESS", 5, 10, 500, 50_000, null),
                change("COMPLETED", 10, 10, 1000, 100_000, null)).watch("add-n4-e5");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(output()).endsWith("change add-n4-e5 COMPLETED: 10/10 ranges, 1000 keys, 97.7 KiB (watched 2s)\n");
    }

    @Test
    public void aFailedOrRolledBackChangeExitsTwoAndSaysWhy() {
        assertThat(watcher(false, change("FAILED", 3, 10, 30, 300, "stream 4 failed for 5m: node n4 unreachable"))
                .watch("add-n4-e5")).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(output()).contains("FAILED").contains("error: stream 4 failed for 5m: node n4 unreachable");

        assertThat(watcher(false, change("ROLLED_BACK", 0, 10, 0, 0, null)).watch("add-n4-e5"))
                .isEqualTo(ExitCodes.SERVER_ERROR);
    }

    @Test
    public void withoutATerminalItPrintsAPlainLineEveryFewSecondsWithRateAndEta() {
        ChangeView[] states = new ChangeView[13];
        for (int i = 0; i < 12; i++) {
            states[i] = change("IN_PROGRESS", i, 12, i * 100L, i * 1000L, null);
        }
        states[12] = change("COMPLETED", 12, 12, 1200, 12_000, null);

        watcher(false, states).watch("add-n4-e5");

        List<String> lines = output().lines().toList();
        List<String> progress = lines.stream().filter(l -> l.startsWith("add-n4-e5 IN_PROGRESS")).toList();
        // one poll a second over 12 seconds: a line at 0s, 5s and 10s
        assertThat(progress).hasSize(3);
        assertThat(progress.get(1)).isEqualTo("add-n4-e5 IN_PROGRESS 5/12 ranges (41.7%), 500 keys, 4.9 KiB, 100 keys/s, ETA 7s");
        assertThat(progress.getFirst()).endsWith("ETA ?");
        assertThat(output()).doesNotContain("\r").doesNotContain("\u001b[");
    }

    @Test
    public void onATerminalItDrawsAProgressBarOfTheRanges() {
        int exit = watcher(true,
                change("IN_PROGRESS", 2, 8, 20, 200, null),
                change("COMPLETED", 8, 8, 80, 800, null)).watch("add-n4-e5");

        assertThat(exit).isZero();
        assertThat(output()).contains("add-n4-e5").contains("8/8").contains("80 keys")
                .contains("change add-n4-e5 COMPLETED");
    }

    @Test
    public void durationsReadLikeAPersonWritesThem() {
        assertThat(ChangeWatcher.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(ChangeWatcher.duration(Duration.ofSeconds(187))).isEqualTo("3m07s");
        assertThat(ChangeWatcher.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }
}
