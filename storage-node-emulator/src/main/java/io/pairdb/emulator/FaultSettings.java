package io.pairdb.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The emulator's fault settings, mirroring {@code pairdb.emulator.v1.Faults}.
 *
 * @param unavailable    every data RPC (and Health) answers UNAVAILABLE
 * @param delay          every data RPC waits this long before answering
 * @param failNextWrites this many upcoming Write/Delete/Repair/WriteBatch calls answer UNAVAILABLE
 * @param failStreams    every StreamRange call answers UNAVAILABLE
 * @param holdRangeDeletesOf DeleteRange calls of this tenant are held back until it is cleared
 */
public record FaultSettings(boolean unavailable, Duration delay, int failNextWrites, boolean failStreams,
                            Optional<String> holdRangeDeletesOf) {

    public static final FaultSettings NONE = new FaultSettings(false, Duration.ZERO, 0, false);

    public FaultSettings(boolean unavailable, Duration delay, int failNextWrites, boolean failStreams) {
        this(unavailable, delay, failNextWrites, failStreams, Optional.empty());
    }

    public FaultSettings {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(holdRangeDeletesOf, "holdRangeDeletesOf");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        if (failNextWrites < 0) {
            throw new IllegalArgumentException("failNextWrites must not be negative: " + failNextWrites);
        }
    }
}
