package io.pairdb.storage.server;

import io.pairdb.core.version.ConditionalApply;
import java.util.Objects;

/** The outcome of a conditional apply ({@link ConditionalApply}) and the version the node holds afterwards. */
public record ApplyResult(ConditionalApply.Outcome outcome, StoredVersion current) {

    public ApplyResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(current, "current");
    }
}
