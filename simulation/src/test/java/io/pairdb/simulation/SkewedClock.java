package io.pairdb.simulation;

import io.pairdb.core.port.Clock;

/**
 * A coordinator machine's wall clock: the true (virtual) time, off by a fixed skew and running
 * fast or slow by a drift. It belongs to the machine, so it survives the coordinator's restarts.
 */
final class SkewedClock implements Clock {
    private final Kernel kernel;
    private final long skewMillis;
    private final long driftPpm;

    SkewedClock(Kernel kernel, long skewMillis, long driftPpm) {
        this.kernel = kernel;
        this.skewMillis = skewMillis;
        this.driftPpm = driftPpm;
    }

    @Override
    public long nowMillis() {
        long micros = kernel.now();
        return Simulation.EPOCH_MILLIS + Math.floorDiv(micros + micros / 1_000_000 * driftPpm, 1000) + skewMillis;
    }

    @Override
    public String toString() {
        return (skewMillis >= 0 ? "+" : "") + skewMillis + " ms, " + (driftPpm >= 0 ? "+" : "") + driftPpm + " ppm";
    }
}
