package io.pairdb.core;

/** Fail-fast checks for programming errors; expected outcomes are values, not exceptions. */
public final class Invariants {
    private Invariants() {
    }

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    public static void argument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
