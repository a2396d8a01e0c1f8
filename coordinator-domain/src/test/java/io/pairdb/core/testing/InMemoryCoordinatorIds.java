package io.pairdb.core.testing;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorIds;
import java.time.Duration;
import java.util.TreeMap;

public final class InMemoryCoordinatorIds implements CoordinatorIds {
    private record Lease(String owner, long until) {
    }

    private final Clock clock;
    private final TreeMap<Integer, Lease> leases = new TreeMap<>();

    public InMemoryCoordinatorIds(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized String claim(String instance, Duration lease) {
        long now = clock.nowMillis();
        int number = leases.entrySet().stream()
                .filter(e -> e.getValue().until() <= now)
                .map(e -> e.getKey())
                .findFirst()
                .orElse(leases.size() + 1);
        leases.put(number, new Lease(instance, now + lease.toMillis()));
        return "coord-" + number;
    }

    @Override
    public synchronized Renewal renew(String id, String instance, Duration lease) {
        int number = Integer.parseInt(id.substring("coord-".length()));
        Lease current = leases.get(number);
        long now = clock.nowMillis();
        if (current == null || !current.owner().equals(instance) && current.until() > now) {
            return Renewal.LOST;
        }
        if (!current.owner().equals(instance)) {
            return Renewal.LOST;
        }
        leases.put(number, new Lease(instance, now + lease.toMillis()));
        return Renewal.RENEWED;
    }

    @Override
    public synchronized void release(String id, String instance) {
        int number = Integer.parseInt(id.substring("coord-".length()));
        Lease current = leases.get(number);
        if (current != null && current.owner().equals(instance)) {
            leases.put(number, new Lease(instance, 0));
        }
    }
}
