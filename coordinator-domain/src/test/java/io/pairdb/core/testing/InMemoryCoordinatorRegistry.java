package io.pairdb.core.testing;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Heartbeats in memory, timed by the given clock. */
public final class InMemoryCoordinatorRegistry implements CoordinatorRegistry {
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final Clock clock;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private volatile Runnable beforeLive;

    public InMemoryCoordinatorRegistry(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void heartbeat(String coordinatorId, long servedEpoch) {
        Instant now = clock.now();
        members.put(coordinatorId, new Member(coordinatorId, servedEpoch, now));
        members.values().removeIf(m -> m.heartbeatAt().isBefore(now.minus(FORGET_AFTER)));
    }

    /** Runs {@code slowness} once, at the start of the next {@link #live} (a registry read held up). */
    public void beforeNextLive(Runnable slowness) {
        this.beforeLive = slowness;
    }

    @Override
    public List<Member> live(Duration within) {
        Runnable slowness = beforeLive;
        if (slowness != null) {
            beforeLive = null;
            slowness.run();
        }
        Instant since = clock.now().minus(within);
        return members.values().stream().filter(m -> !m.heartbeatAt().isBefore(since))
                .sorted(Comparator.comparing(Member::coordinatorId)).toList();
    }

    @Override
    public void leave(String coordinatorId) {
        members.remove(coordinatorId);
    }
}
