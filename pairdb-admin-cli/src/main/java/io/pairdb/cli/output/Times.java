package io.pairdb.cli.output;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as the proto carries them and as the tables show them. */
public final class Times {

    private Times() {
    }

    /** The instant, or {@code null} when the field was not set. */
    public static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }

    /** Whole seconds in UTC, e.g. {@code 2025-03-01T12:00:00Z}; {@code -} when absent. */
    public static String text(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
