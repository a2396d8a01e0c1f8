package io.pairdb.emulator;

import java.util.Objects;

/**
 * The storage node's conditional-apply rule (DESIGN.md §5). Because the result depends only on
 * the two versions, hint replay, read repair and streaming can deliver versions in any order
 * and any number of times and the replicas still converge.
 */
final class ConditionalApply {

    private ConditionalApply() {
    }

    /**
     * @param stored   what the node holds, or {@code null} when it holds nothing for the key
     * @param incoming the version offered by the caller
     */
    static ApplyResult resolve(StoredVersion stored, StoredVersion incoming) {
        Objects.requireNonNull(incoming, "incoming");
        if (stored == null) {
            return new ApplyResult(ApplyResult.Outcome.APPLIED, incoming);
        }
        return switch (incoming.clock().compareTo(stored.clock())) {
            case BEFORE, IDENTICAL -> new ApplyResult(ApplyResult.Outcome.IGNORED, stored);
            case AFTER -> new ApplyResult(ApplyResult.Outcome.APPLIED, incoming);
            case CONCURRENT -> new ApplyResult(ApplyResult.Outcome.MERGED, merge(stored, incoming));
        };
    }

    /** The winner's content under the merged clock, so the result dominates both inputs. */
    private static StoredVersion merge(StoredVersion a, StoredVersion b) {
        StoredVersion winner = StoredVersion.RESOLUTION_ORDER.compare(a, b) >= 0 ? a : b;
        return winner.withClock(a.clock().merge(b.clock()));
    }
}
