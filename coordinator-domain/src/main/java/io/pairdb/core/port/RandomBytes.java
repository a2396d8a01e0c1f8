package io.pairdb.core.port;

/**
 * Unpredictable bytes for secrets (a cryptographically strong generator in production; seeded
 * in tests). Thread-safe.
 */
public interface RandomBytes {
    /** {@code count} fresh random bytes. */
    byte[] next(int count);
}
