package io.pairdb.core.testing;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

public final class InMemoryHintStore implements HintStore {
    private final ConcurrentSkipListMap<Long, Hint> hints = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public void store(Hint hint) {
        long id = ids.incrementAndGet();
        hints.put(id, new Hint(id, hint.target(), hint.tenant(), hint.key(), hint.token(), hint.version(),
                hint.createdAt(), hint.attempts()));
    }

    @Override
    public List<Hint> pending(NodeId target, int limit) {
        return hints.values().stream().filter(h -> h.target().equals(target)).limit(limit).toList();
    }

    @Override
    public void delete(long hintId) {
        hints.remove(hintId);
    }

    @Override
    public long count(NodeId target) {
        return hints.values().stream().filter(h -> h.target().equals(target)).count();
    }

    public long total() {
        return hints.size();
    }
}
