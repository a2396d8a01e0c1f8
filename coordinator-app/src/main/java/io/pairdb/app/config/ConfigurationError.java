package io.pairdb.app.config;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A setting that cannot be used; the message names the key so the operator knows what to fix.
 * Every check of {@code pairdb.*} settings goes through the helpers here, so every bad value is
 * told the same way: {@code invalid configuration KEY: PROBLEM}.
 */
public final class ConfigurationError extends RuntimeException {
    public ConfigurationError(String key, String problem) {
        super("invalid configuration " + key + ": " + problem);
    }

    /** {@code value}, if it is a positive duration. */
    public static Duration positive(String key, Duration value) {
        if (value == null || !value.isPositive()) {
            throw new ConfigurationError(key, "must be a positive duration, was " + value);
        }
        return value;
    }

    /** {@code value}, if it is at least 1. */
    public static int atLeastOne(String key, int value) {
        if (value < 1) {
            throw new ConfigurationError(key, "must be at least 1, was " + value);
        }
        return value;
    }

    /**
     * The core's settings record that {@code build} makes from the settings under {@code key}; the
     * record's own check of a value (an {@link IllegalArgumentException} or a missing value) is told
     * as a ConfigurationError of {@code key}.
     */
    public static <T> T checked(String key, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationError(key, e.getMessage());
        }
    }
}
