package io.pairdb.adapters.runtime;

import io.pairdb.core.port.RandomBytes;
import java.security.SecureRandom;

/** The JDK's strong random generator, for secrets. */
public final class SecureRandomBytes implements RandomBytes {
    private final SecureRandom random = new SecureRandom();

    @Override
    public byte[] next(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
