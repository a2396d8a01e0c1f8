package io.pairdb.emulator;

import java.util.Objects;

/** The outcome of a conditional apply and the version the node holds afterwards. */
public record ApplyResult(Outcome outcome, StoredVersion current) {

    public enum Outcome {
        /** The incoming version is now stored: it dominated, or nothing was stored. */
        APPLIED,
        /** The stored version dominates or equals the incoming one; nothing changed. */
        IGNORED,
        /** The two were concurrent; the stored version is now their resolution. */
        MERGED
    }

    public ApplyResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(current, "current");
    }
}
