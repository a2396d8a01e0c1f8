package io.pairdb.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The emulator's fault settings, mirroring {@code pairdb.emulator.v1.Faults}.
 *
 * @param unavailable    every data RPC (and Health) answers UNAVAILABLE
 * @param delay          every data RPC waits this long before answering
 * @param stallProbability each data RPC, with this probability (0 to 1), also waits {@code stall}:
 *                       rare long stalls, as a garbage-collecting or disk-bound node has
 * @param stall          how long a stalled data RPC waits on top of {@code delay}
 * @param failNextWrites this many upcoming Write/Delete/Repair/WriteBatch calls answer UNAVAILABLE
 * @param failStreams    every StreamRange call answers UNAVAILABLE
 * @param holdRangeDeletesOf DeleteRange calls of this tenant are held back until it is cleared
 */
public record FaultSettings(boolean unavailable, Duration delay, double stallProbability, Duration stall,
                            int failNextWrites, boolean failStreams, Optional<String> holdRangeDeletesOf) {

    public static final FaultSettings NONE = new FaultSettings(false, Duration.ZERO, 0, false);

    /** Settings without stalls. */
    public FaultSettings(boolean unavailable, Duration delay, int failNextWrites, boolean failStreams,
                         Optional<String> holdRangeDeletesOf) {
        this(unavailable, delay, 0, Duration.ZERO, failNextWrites, failStreams, holdRangeDeletesOf);
    }

    /** Settings without stalls or held deletes. */
    public FaultSettings(boolean unavailable, Duration delay, int failNextWrites, boolean failStreams) {
        this(unavailable, delay, failNextWrites, failStreams, Optional.empty());
    }

    public FaultSettings {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(stall, "stall");
        Objects.requireNonNull(holdRangeDeletesOf, "holdRangeDeletesOf");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        requireStall(stallProbability, stall);
        if (failNextWrites < 0) {
            throw new IllegalArgumentException("failNextWrites must not be negative: " + failNextWrites);
        }
    }

    /** Rejects a probability outside 0 to 1 (or NaN) and a negative stall. */
    static void requireStall(double probability, Duration stall) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("stall probability must be between 0 and 1: " + probability);
        }
        if (stall.isNegative()) {
            throw new IllegalArgumentException("stall must not be negative: " + stall);
        }
    }
}
