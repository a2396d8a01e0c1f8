package io.pairdb.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The simulation's single thread of control: virtual time in microseconds, one queue of timed
 * events run strictly in (time, sequence) order, and the one seeded random source.
 *
 * <p>Most of the core never blocks; a few steps do (a stream waits for its batch write, cleanup
 * waits for a digest, a slow store keeps its caller waiting). Such a step runs on a <em>fiber</em>:
 * each event runs on a virtual thread that holds the one baton; when it must wait, it parks and
 * hands the baton to a fresh fiber that goes on running events, and an event at the time its wait
 * ends hands the baton back. Exactly one fiber runs at any moment and every hand-over happens at a
 * point fixed by the event order, so a run stays a pure function of its seed.
 */
final class Kernel {
    /** A process incarnation (or the world itself): its events and waits end when it dies. */
    static final class Owner {
        final String name;
        private boolean alive = true;
        /** While paused, until when; its events wait in {@link #held}, in the order they were due. */
        private long pausedUntil;
        /** When it last resumed from a pause (-1: never paused). */
        private long resumedAt = -1;
        private final List<Event> held = new ArrayList<>();

        Owner(String name) {
            this.name = name;
        }

        boolean alive() {
            return alive;
        }

        /** When it last resumed from a pause; -1 if it never was paused. */
        long resumedAt() {
            return resumedAt;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Thrown into a fiber whose owner died while it waited: the thread of a process that is gone. */
    static final class Killed extends Error {
        Killed(String owner) {
            super("process " + owner + " was killed", null, false, false);
        }
    }

    /** Thrown by a wait that would block forever: nothing is scheduled that could end it. */
    static final class Stuck extends RuntimeException {
        Stuck(String message) {
            super(message);
        }
    }

    /** A scheduled event; {@link #cancel()} keeps it from running. */
    static final class Event {
        private long at;
        private long seq;
        private final Owner owner;
        private final String label;
        private final Runnable task;
        private boolean cancelled;

        private Event(long at, long seq, Owner owner, String label, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.owner = owner;
            this.label = label;
            this.task = task;
        }

        void cancel() {
            cancelled = true;
        }
    }

    private static final class Fiber {
        private final Semaphore baton = new Semaphore(0);
        private final int number;
        private Thread thread;
        /** The fiber that handed over the baton to resume this one, and waits to get it back. */
        private Fiber resumer;
        private Owner owner;
        private long ticket;

        Fiber(int number) {
            this.number = number;
        }
    }

    static final Duration WATCHDOG = Duration.ofMinutes(3);

    final Owner world = new Owner("world");
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Set<Fiber> parked = new LinkedHashSet<>();
    private final List<String> unexpected = new ArrayList<>();
    private final Trace trace;
    private long now;
    private long seq;
    private long eventsRun;
    private int fibers;
    private Fiber running;
    private long until;
    private Semaphore driver;
    private Throwable loopFailure;

    Kernel(Trace trace) {
        this.trace = trace;
    }

    long now() {
        return now;
    }

    long nowMillis() {
        return Math.floorDiv(now, 1000);
    }

    long eventsRun() {
        return eventsRun;
    }

    Trace trace() {
        return trace;
    }

    /** Exceptions that escaped an event: each is a defect of the core or of the simulation. */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    void unexpected(String what) {
        unexpected.add(what);
        trace.line("!!", "unexpected: " + what);
    }

    Event at(long atMicros, Owner owner, String label, Runnable task) {
        Event e = new Event(Math.max(atMicros, now), seq++, owner, label, task);
        queue.add(e);
        return e;
    }

    Event after(long delayMicros, Owner owner, String label, Runnable task) {
        return at(now + Math.max(0, delayMicros), owner, label, task);
    }

    Event after(Duration delay, Owner owner, String label, Runnable task) {
        return after(toMicros(delay), owner, label, task);
    }

    /**
     * Runs {@code action} again and again, each time after a random pause of half to one and a half
     * {@code mean}, until {@code stopAt} (the world's own activity: faults, operator requests).
     */
    void nowAndThen(java.util.random.RandomGenerator random, Duration mean, long stopAt, String label, Runnable action) {
        long micros = toMicros(mean);
        after(micros / 2 + random.nextLong(micros), world, label, () -> {
            if (now >= stopAt) {
                return;
            }
            action.run();
            nowAndThen(random, mean, stopAt, label, action);
        });
    }

    static long toMicros(Duration d) {
        return d.isNegative() ? 0 : TimeUnit.NANOSECONDS.toMicros(Math.min(d.toNanos(), Long.MAX_VALUE / 2));
    }

    /** Ends an owner: its queued events no longer run, and its waiting fibers unwind with {@link Killed}. */
    void kill(Owner owner) {
        owner.alive = false;
        for (Fiber f : List.copyOf(parked)) {
            if (f.owner == owner) {
                long ticket = f.ticket;
                at(now, world, "unwind " + owner, () -> wake(f, ticket));
            }
        }
    }

    /**
     * Stops an owner until {@code untilMicros}, its memory kept (a long GC pause, a frozen VM): its events,
     * and the wake-ups of its waiting fibers, are held and run once it resumes, in the order they were due.
     */
    void pause(Owner owner, long untilMicros) {
        owner.pausedUntil = Math.max(owner.pausedUntil, untilMicros);
        at(untilMicros, world, "resume " + owner, () -> {
            if (owner.pausedUntil <= now) {
                resume(owner);
            }
        });
    }

    boolean paused(Owner owner) {
        return owner.pausedUntil > now;
    }

    /** Ends an owner's pause now: what it held runs from now on, in order. */
    void resume(Owner owner) {
        owner.pausedUntil = 0;
        owner.resumedAt = now;
        for (Event e : owner.held) {
            e.at = now;
            e.seq = ++seq;
            queue.add(e);
        }
        owner.held.clear();
    }

    /**
     * Runs every event due up to {@code untilMicros} (the clock then stands there), on fibers, and
     * returns on the caller's (non-fiber) thread once no such event is left.
     */
    void runUntil(long untilMicros) {
        if (running != null) {
            throw new IllegalStateException("the kernel is already running");
        }
        this.until = untilMicros;
        this.driver = new Semaphore(0);
        Fiber loop = spawn();
        running = loop;
        loop.baton.release();
        boolean finished;
        try {
            finished = driver.tryAcquire(WATCHDOG.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the simulation ran", e);
        }
        if (!finished) {
            throw new Stuck("no progress for " + WATCHDOG + " of real time at t=" + Trace.time(now)
                    + " (a real lock or an unbounded wait on a plain future?); fibers:\n" + dumpFibers());
        }
        if (loopFailure != null) {
            Throwable f = loopFailure;
            loopFailure = null;
            throw new IllegalStateException("the simulation loop failed", f);
        }
    }

    /** Unwinds every fiber still waiting, so no thread outlives the run. */
    void shutdown() {
        for (Fiber f : List.copyOf(parked)) {
            if (f.owner != null) {
                f.owner.alive = false;
            }
            long ticket = f.ticket;
            at(now, world, "unwind", () -> wake(f, ticket));
        }
        runUntil(now);
        queue.clear();
    }

    int parkedFibers() {
        return parked.size();
    }

    /**
     * Makes the running fiber wait until {@code future} completes or, if {@code deadlineMicros} is
     * not negative, until then. Other events run meanwhile.
     */
    void await(CompletableFuture<?> future, long deadlineMicros) {
        Fiber self = self();
        if (future.isDone()) {
            return;
        }
        long ticket = ++self.ticket;
        future.whenComplete((v, e) -> at(now, world, "wake fiber " + self.number, () -> wake(self, ticket)));
        if (deadlineMicros >= 0) {
            at(deadlineMicros, world, "timeout of fiber " + self.number, () -> wake(self, ticket));
        }
        suspend(self);
    }

    /** Makes the running fiber wait for {@code micros} of virtual time while other events run. */
    void sleep(long micros) {
        Fiber self = self();
        long ticket = ++self.ticket;
        after(micros, world, "wake fiber " + self.number, () -> wake(self, ticket));
        suspend(self);
    }

    private Fiber self() {
        Fiber self = running;
        if (self == null || Thread.currentThread() != self.thread) {
            throw new IllegalStateException("only code run by the simulation's events may wait");
        }
        if (self.owner != null && !self.owner.alive) {
            throw new Killed(self.owner.name);
        }
        return self;
    }

    private void suspend(Fiber self) {
        Owner owner = self.owner;
        parked.add(self);
        if (self.resumer != null) {
            Fiber back = self.resumer;
            self.resumer = null;
            running = back;
            back.baton.release();
        } else {
            Fiber loop = spawn();
            running = loop;
            loop.baton.release();
        }
        self.baton.acquireUninterruptibly();
        self.owner = owner;
        if (owner != null && !owner.alive) {
            throw new Killed(owner.name);
        }
    }

    /** Runs in an event: hands the baton to the waiting fiber and takes it back once it waits again or is done. */
    private void wake(Fiber target, long ticket) {
        if (target.ticket != ticket || !parked.contains(target)) {
            return;
        }
        if (target.owner != null && paused(target.owner)) {
            target.owner.held.add(new Event(now, ++seq, world, "wake fiber " + target.number + " after a pause",
                    () -> wake(target, ticket)));
            return;
        }
        parked.remove(target);
        Fiber me = running;
        target.resumer = me;
        running = target;
        target.baton.release();
        me.baton.acquireUninterruptibly();
    }

    private Fiber spawn() {
        Fiber f = new Fiber(++fibers);
        f.thread = Thread.ofVirtual().name("sim-fiber-" + f.number).unstarted(() -> loop(f));
        f.thread.start();
        return f;
    }

    private void loop(Fiber self) {
        self.baton.acquireUninterruptibly();
        try {
            while (true) {
                Event e = next();
                if (e == null) {
                    now = Math.max(now, until);
                    running = null;
                    driver.release();
                    return;
                }
                now = e.at;
                eventsRun++;
                self.owner = e.owner;
                try {
                    e.task.run();
                } catch (Killed k) {
                    // the thread of a process that died: nothing more to do
                } catch (Throwable t) {
                    unexpected("event '" + e.label + "' of " + e.owner + " threw " + Trace.describe(t));
                }
                if (self.resumer != null) {
                    // this fiber was resumed to finish an event it had waited in; the loop is the resumer's
                    Fiber back = self.resumer;
                    self.resumer = null;
                    running = back;
                    back.baton.release();
                    return;
                }
            }
        } catch (Throwable t) {
            loopFailure = t;
            running = null;
            driver.release();
        }
    }

    private Event next() {
        while (!queue.isEmpty()) {
            Event e = queue.peek();
            if (e.at > until) {
                return null;
            }
            queue.poll();
            if (e.cancelled || !e.owner.alive) {
                continue;
            }
            if (e.owner.pausedUntil > e.at) {
                e.owner.held.add(e);
                continue;
            }
            return e;
        }
        return null;
    }

    private String dumpFibers() {
        StringBuilder sb = new StringBuilder();
        for (Fiber f : parked) {
            sb.append("  fiber ").append(f.number).append(" of ").append(f.owner).append(" (parked)\n");
            for (StackTraceElement el : f.thread.getStackTrace()) {
                sb.append("    at ").append(el).append('\n');
            }
        }
        Fiber r = running;
        if (r != null) {
            sb.append("  fiber ").append(r.number).append(" (holds the baton)\n");
            for (StackTraceElement el : r.thread.getStackTrace()) {
                sb.append("    at ").append(el).append('\n');
            }
        }
        return sb.toString();
    }
}
