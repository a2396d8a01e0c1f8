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
     * record's own check of a value is told as a ConfigurationError of {@code key}: an
     * {@link IllegalArgumentException}, or a value the record requires and did not get (its
     * {@link java.util.Objects#requireNonNull(Object, String)} names the value). Any other exception
     * is a defect, not a setting to change, and goes on as it is.
     */
    public static <T> T checked(String key, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(key, e.getMessage());
        } catch (NullPointerException e) {
            if (thrownByRequireNonNull(e) && e.getMessage() != null) {
                throw new ConfigurationError(key, e.getMessage() + " is missing");
            }
            throw e;
        }
    }

    private static boolean thrownByRequireNonNull(NullPointerException e) {
        StackTraceElement[] stack = e.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().equals("java.util.Objects")
                && stack[0].getMethodName().equals("requireNonNull");
    }
}
