package io.pairdb.emulator;

import io.pairdb.storage.server.CallKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** The tenant whose DeleteRange calls are held back, or null; and the deletes waiting. */
    private String holdDeletesOf;
    private final List<Runnable> heldDeletes = new ArrayList<>();

    /** @param availabilityListener told {@code true} when the node becomes available, {@code false} when not */
    FaultHooks(Consumer<Boolean> availabilityListener) {
        this.availabilityListener = Objects.requireNonNull(availabilityListener);
    }

    public FaultSettings current() {
        String held;
        synchronized (this) {
            held = holdDeletesOf;
        }
        return new FaultSettings(unavailable, delay, failNextWrites.get(), failStreams, Optional.ofNullable(held));
    }

    /** Replaces every setting, like {@code SetFaults}. */
    public void replace(FaultSettings settings) {
        Objects.requireNonNull(settings, "settings");
        delay = settings.delay();
        failNextWrites.set(settings.failNextWrites());
        failStreams = settings.failStreams();
        settings.holdRangeDeletesOf().ifPresentOrElse(this::holdRangeDeletes, this::releaseRangeDeletes);
        setUnavailable(settings.unavailable());
    }

    /** Back to a healthy node (held deletes run). */
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

    /**
     * From now on a DeleteRange of {@code tenant} is held back: it neither runs nor answers until
     * {@link #releaseRangeDeletes()} (a slow delete, as a large range on a busy disk would be).
     * Another tenant's deletes run as usual.
     */
    public synchronized void holdRangeDeletes(String tenant) {
        holdDeletesOf = Objects.requireNonNull(tenant, "tenant");
    }

    /** Runs the held deletes, in the order they came, and stops holding new ones. */
    public void releaseRangeDeletes() {
        List<Runnable> release;
        synchronized (this) {
            holdDeletesOf = null;
            release = List.copyOf(heldDeletes);
            heldDeletes.clear();
        }
        release.forEach(Runnable::run);
    }

    /** How many DeleteRange calls are held back now. */
    public synchronized int heldRangeDeletes() {
        return heldDeletes.size();
    }

    /** Runs {@code delete} now, or once released if the tenant's deletes are held. */
    void rangeDelete(String tenant, Runnable delete) {
        synchronized (this) {
            if (tenant.equals(holdDeletesOf)) {
                heldDeletes.add(delete);
                return;
            }
        }
        delete.run();
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
