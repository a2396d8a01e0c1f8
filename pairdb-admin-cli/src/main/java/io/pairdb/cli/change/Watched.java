package io.pairdb.cli.change;

import java.time.Duration;

/**
 * Something {@code --watch} follows range by range until it ends: a topology change
 * ({@link ChangeView}) or a repair run.
 */
public interface Watched {
    /** Its id, as the bar's task name and in the progress lines. */
    String id();

    /** The state word shown, e.g. IN_PROGRESS or RUNNING. */
    String status();

    /** Still going: the watch polls again. */
    boolean running();

    /** Whether it ended well: the watch exits 0, else 2. */
    boolean succeeded();

    int rangesDone();

    int rangesTotal();

    /** Keys so far (copied, repaired): the rate shown is theirs. */
    long keys();

    /** What a progress line shows after the ranges, e.g. {@code 1000 keys, 97.7 KiB}. */
    String amounts();

    /** The line printed once it ended. */
    String finalLine(Duration watched);
}
