package io.pairdb.emulator;

import io.pairdb.storage.server.CallKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The fault settings of a running emulator, changeable at any time from any thread, through
 * this Java API or the {@code EmulatorControl} gRPC service.
 */
public final class FaultHooks {

    private volatile boolean unavailable;
    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger failNextWrites = new AtomicInteger();
    private volatile boolean failStreams;
    private final Consumer<Boolean> availabilityListener;

    /** @param availabilityListener told {@code true} when the node becomes available, {@code false} when not */
    FaultHooks(Consumer<Boolean> availabilityListener) {
        this.availabilityListener = Objects.requireNonNull(availabilityListener);
    }

    public FaultSettings current() {
        return new FaultSettings(unavailable, delay, failNextWrites.get(), failStreams);
    }

    /** Replaces every setting, like {@code SetFaults}. */
    public void replace(FaultSettings settings) {
        Objects.requireNonNull(settings, "settings");
        delay = settings.delay();
        failNextWrites.set(settings.failNextWrites());
        failStreams = settings.failStreams();
        setUnavailable(settings.unavailable());
    }

    /** Back to a healthy node. */
    public void clear() {
        replace(FaultSettings.NONE);
    }

    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
        availabilityListener.accept(!unavailable);
    }

    public void setDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delay = delay;
    }

    /** The next {@code count} Write/Delete/Repair/WriteBatch calls answer UNAVAILABLE. */
    public void failNextWrites(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        failNextWrites.set(count);
    }

    public void setFailStreams(boolean failStreams) {
        this.failStreams = failStreams;
    }

    Duration delayFor(CallKind kind) {
        return kind.delayed() ? delay : Duration.ZERO;
    }

    /**
     * The status a call of this kind must fail with now, if any. Consumes one of the
     * {@code failNextWrites} when it is a write that gets failed.
     */
    Optional<Status> failureFor(CallKind kind) {
        if (unavailable) {
            return Optional.of(Status.UNAVAILABLE.withDescription("emulator fault: node unavailable"));
        }
        if (kind == CallKind.WRITE && failNextWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Optional.of(Status.UNAVAILABLE.withDescription("emulator fault: failing this write"));
        }
        if (kind == CallKind.STREAM && failStreams) {
            return Optional.of(Status.UNAVAILABLE.withDescription("emulator fault: streams fail"));
        }
        return Optional.empty();
    }
}
