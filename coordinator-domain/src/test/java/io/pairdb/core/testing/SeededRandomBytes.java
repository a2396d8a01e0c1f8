package io.pairdb.core.testing;

import io.pairdb.core.port.RandomBytes;
import java.util.Random;

/** Random bytes that repeat from a seed, for tests. */
public final class SeededRandomBytes implements RandomBytes {
    private final Random random;

    public SeededRandomBytes(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public synchronized byte[] next(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
