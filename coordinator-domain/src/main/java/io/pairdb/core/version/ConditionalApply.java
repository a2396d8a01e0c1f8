package io.pairdb.core.version;

import java.util.Objects;
import java.util.Optional;

/**
 * The storage node's conditional apply (DESIGN.md §5): a node keeps exactly what
 * {@link Resolution} makes of what it holds and what it is offered. Because the coordinator
 * resolves replies by the same function, a key whose replicas took the same versions in any
 * order looks the same everywhere, and hint replay, read repair and streaming are idempotent
 * and order-independent. Every storage node implementation applies writes through this class.
 */
public final class ConditionalApply {

    public enum Outcome {
        /** The incoming version is now stored: nothing was stored, it dominated, or it won over an equal clock. */
        APPLIED,
        /** What is stored dominates the incoming version, equals it, or wins over an equal clock; nothing changes. */
        IGNORED,
        /** The two were concurrent: the stored version becomes their resolution, which differs from both. */
        MERGED
    }

    /** The outcome and the version the node holds afterwards. */
    public record Result(Outcome outcome, Version current) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(current, "current");
        }
    }

    private ConditionalApply() {
    }

    public static Result apply(Optional<Version> stored, Version incoming) {
        Objects.requireNonNull(incoming, "incoming");
        if (stored.isEmpty()) {
            return new Result(Outcome.APPLIED, incoming);
        }
        Version held = stored.get();
        Version resolved = Resolution.resolve(held, incoming);
        if (resolved.equals(held)) {
            return new Result(Outcome.IGNORED, held);
        }
        if (resolved.equals(incoming)) {
            return new Result(Outcome.APPLIED, incoming);
        }
        return new Result(Outcome.MERGED, resolved);
    }
}
