package io.pairdb.core.port;

import java.time.Duration;

/**
 * Waits on the calling thread, for work that paces itself (a throttled repair). The core never
 * sleeps by itself; a simulation implements this by advancing its virtual clock. Thread-safe.
 */
public interface Pause {
    /**
     * Returns after about {@code duration} (at once for zero or less), or earlier if the calling
     * thread is interrupted, in which case its interrupt flag stays set.
     */
    void pause(Duration duration);
}
