package io.pairdb.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated description of one run.
 *
 * @param duration how long to measure; empty when only {@code ops} bounds the run
 * @param ops how many requests to measure; empty when only {@code duration} bounds the run
 * @param rate requests per second to send at; empty: as fast as the concurrency allows
 * @param preload whether every key is written once before the warm-up
 * @param honourRetryDelay whether a place whose request failed with a retry delay waits that long
 *                         before it sends again
 */
record LoadPlan(
        Workload workload,
        String tenant,
        Consistency consistency,
        int valueSize,
        int keys,
        Distribution distribution,
        int concurrency,
        int channels,
        Optional<Duration> duration,
        Optional<Long> ops,
        Optional<Double> rate,
        Duration warmup,
        boolean idempotencyKeys,
        boolean causalContext,
        boolean preload,
        boolean honourRetryDelay,
        long seed,
        List<CpuTarget> measureCpu,
        long clockTicks) {

    LoadPlan {
        Objects.requireNonNull(workload, "workload");
        if (duration.isEmpty() && ops.isEmpty()) {
            throw new IllegalArgumentException("a run needs a duration or an operation count");
        }
        measureCpu = List.copyOf(measureCpu);
    }
}
