package io.pairdb.app;

import io.pairdb.core.port.Pause;
import java.time.Duration;

/** Pauses by sleeping the calling thread, which is a worker of its own (the repair schedule's). */
public final class ThreadPause implements Pause {
    @Override
    public void pause(Duration duration) {
        if (!duration.isPositive()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
