package io.pairdb.emulator;

import io.pairdb.storage.server.CallKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The fault settings of a running emulator, changeable at any time from any thread, through
 * this Java API or the {@code EmulatorControl} gRPC service.
 */
public final class FaultHooks {

    private volatile boolean unavailable;
    private volatile Duration delay = Duration.ZERO;
    /** The stall probability and length, set together so a call never sees one without the other. */
    private volatile Stall stall = Stall.NONE;
    private final AtomicInteger failNextWrites = new AtomicInteger();
    private volatile boolean failStreams;
    private final Consumer<Boolean> availabilityListener;
    /** The tenant whose DeleteRange calls are held back, or null; and the deletes waiting. */
    private String holdDeletesOf;
    private final List<Runnable> heldDeletes = new ArrayList<>();
    /** Data calls waiting out their delay; each runs once, at the end of its delay or when released. */
    private final Set<Runnable> delayed = ConcurrentHashMap.newKeySet();

    /** @param availabilityListener told {@code true} when the node becomes available, {@code false} when not */
    FaultHooks(Consumer<Boolean> availabilityListener) {
        this.availabilityListener = Objects.requireNonNull(availabilityListener);
    }

    public FaultSettings current() {
        String held;
        synchronized (this) {
            held = holdDeletesOf;
        }
        Stall stalls = stall;
        return new FaultSettings(unavailable, delay, stalls.probability(), stalls.length(), failNextWrites.get(),
                failStreams, Optional.ofNullable(held));
    }

    /** Replaces every setting, like {@code SetFaults}. */
    public void replace(FaultSettings settings) {
        Objects.requireNonNull(settings, "settings");
        delay = settings.delay();
        stall = new Stall(settings.stallProbability(), settings.stall());
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

    /**
     * Rare long stalls: from now on each data RPC, with {@code probability} (0 to 1), waits
     * {@code length} on top of the steady {@link #setDelay delay}. Probability 0 stops them.
     */
    public void setStalls(double probability, Duration length) {
        Objects.requireNonNull(length, "length");
        FaultSettings.requireStall(probability, length);
        this.stall = new Stall(probability, length);
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

    /**
     * Lets the data calls waiting out a delay or a stall now go on at once (a node that recovers),
     * without changing the delay of calls to come.
     */
    public void releaseDelayedCalls() {
        List.copyOf(delayed).forEach(Runnable::run);
    }

    /** How many data calls are waiting out a delay or a stall now. */
    public int delayedCalls() {
        return delayed.size();
    }

    /** A call to run after its delay, or earlier if {@link #releaseDelayedCalls() released}; runs once. */
    Runnable delayed(Runnable call) {
        Delayed waiting = new Delayed(call);
        delayed.add(waiting);
        return waiting;
    }

    private final class Delayed implements Runnable {
        private final Runnable call;
        private final AtomicBoolean ran = new AtomicBoolean();

        Delayed(Runnable call) {
            this.call = call;
        }

        @Override
        public void run() {
            if (ran.compareAndSet(false, true)) {
                delayed.remove(this);
                call.run();
            }
        }
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

    /** The steady delay, plus a stall drawn with the stall probability, for data calls; zero for others. */
    Duration delayFor(CallKind kind) {
        if (!kind.delayed()) {
            return Duration.ZERO;
        }
        Stall stalls = stall;
        boolean stalled = stalls.probability() > 0 && ThreadLocalRandom.current().nextDouble() < stalls.probability();
        return stalled ? delay.plus(stalls.length()) : delay;
    }

    private record Stall(double probability, Duration length) {
        static final Stall NONE = new Stall(0, Duration.ZERO);
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
