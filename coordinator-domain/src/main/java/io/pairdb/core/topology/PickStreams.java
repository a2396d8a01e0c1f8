package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Chooses which streams of a change copy their next batch, when several run at once: streams
 * already under way go on first (their scans are open on the source, and finishing them frees the
 * memory they hold), then new ones from whichever source node reads for the fewest streams at the
 * moment, and never more than {@code ⌈concurrency / source nodes⌉} from one node, so that one node
 * is not read by every stream while the others idle. Ties go to the lower stream index, so the
 * choice is deterministic. Pure.
 */
final class PickStreams {
    private final int concurrency;

    /**
     * @throws IllegalArgumentException if {@code concurrency} is below 1
     */
    PickStreams(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("stream concurrency must be at least 1, was " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * The streams to start now, in the order to start them.
     *
     * @param ready     streams that may copy a batch now (not done, not running, not waiting to retry)
     * @param running   streams copying a batch now
     * @param underWay  indexes of the streams whose copy has begun and is open (their scan is kept)
     * @param sourceOf  the node a stream reads from
     * @param sources   how many distinct nodes the change reads from in all
     */
    List<RangeStream> pick(List<RangeStream> ready, List<RangeStream> running, Set<Integer> underWay,
                           Function<RangeStream, NodeId> sourceOf, int sources) {
        Objects.requireNonNull(sourceOf, "sourceOf");
        int slots = concurrency - running.size();
        if (slots <= 0 || ready.isEmpty()) {
            return List.of();
        }
        int perSource = Math.ceilDiv(concurrency, Math.max(1, sources));
        Map<NodeId, Integer> busy = new HashMap<>();
        for (RangeStream s : running) {
            busy.merge(sourceOf.apply(s), 1, Integer::sum);
        }
        List<RangeStream> chosen = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        ready.stream().filter(s -> underWay.contains(s.index())).sorted(Comparator.comparingInt(RangeStream::index))
                .forEach(s -> {
                    if (chosen.size() < slots && busy.getOrDefault(sourceOf.apply(s), 0) < perSource) {
                        chosen.add(s);
                        taken.add(s.index());
                        busy.merge(sourceOf.apply(s), 1, Integer::sum);
                    }
                });
        while (chosen.size() < slots) {
            RangeStream best = null;
            int bestBusy = Integer.MAX_VALUE;
            for (RangeStream s : ready) {
                if (taken.contains(s.index())) {
                    continue;
                }
                int b = busy.getOrDefault(sourceOf.apply(s), 0);
                if (b < perSource && (b < bestBusy || (b == bestBusy && s.index() < best.index()))) {
                    best = s;
                    bestBusy = b;
                }
            }
            if (best == null) {
                break;
            }
            chosen.add(best);
            taken.add(best.index());
            busy.merge(sourceOf.apply(best), 1, Integer::sum);
        }
        return List.copyOf(chosen);
    }
}
