package io.pairdb.core.port;

import java.time.Instant;

/** Wall-clock time. Thread-safe. The core never reads the system clock directly. */
public interface Clock {
    /** Milliseconds since the epoch. */
    long nowMillis();

    default Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }
}
