package io.pairdb.adapters.runtime;

import io.pairdb.core.port.Clock;

/** The machine's wall clock. */
public final class SystemClock implements Clock {
    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }
}
