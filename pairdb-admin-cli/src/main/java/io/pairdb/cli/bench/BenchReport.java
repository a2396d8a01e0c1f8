package io.pairdb.cli.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The result of a run, as {@code -o json} prints it. Field names are stable: scripts and
 * {@code bench/run.sh} read them. Latencies are in microseconds; {@code ops} counts the measured
 * requests that succeeded, {@code errors} those that failed; {@code ops_per_second} is
 * {@code ops} over {@code elapsed_seconds}; {@code cpu_us_per_op} is CPU time over every
 * measured request (successes and errors), per {@code --measure-cpu} name, for {@code client}
 * (this process) and for {@code machine} (every process on the machine, where Linux tells).
 * {@code target_rate} is the {@code --rate} asked for, 0 when unpaced; {@code honour_retry_delay}
 * whether a failed request's retry delay held its place back. {@code error_latency_us} is
 * how long the failures took to come back, per status code (e.g. how fast an overloaded
 * coordinator sheds: {@code RESOURCE_EXHAUSTED}); {@code latency_us} counts successes only.
 */
record BenchReport(
        String workload,
        String target,
        String tenant,
        String consistency,
        double readRatio,
        int valueSize,
        int keys,
        String distribution,
        int concurrency,
        int channels,
        double targetRate,
        boolean idempotencyKeys,
        boolean causalContext,
        boolean honourRetryDelay,
        long preloaded,
        long seed,
        double warmupSeconds,
        double elapsedSeconds,
        long ops,
        long errors,
        double opsPerSecond,
        LatencySummary latencyUs,
        Map<String, Long> errorsByStatus,
        Map<String, String> errorSamples,
        Map<String, LatencySummary> errorLatencyUs,
        Map<String, OperationReport> operations,
        Map<String, Double> cpuUsPerOp,
        Instant startedAt) {

    /** The same figures for one kind of request ({@code write}, {@code read}). */
    record OperationReport(long ops, long errors, double opsPerSecond, LatencySummary latencyUs,
                           Map<String, Long> errorsByStatus) {
    }

    static BenchReport of(LoadPlan plan, String target, LoadGenerator.Result result, Instant startedAt) {
        double seconds = result.elapsedNanos() / 1e9;
        Histogram all = LatencyHistograms.concurrent();
        Map<String, Long> errorsByStatus = new TreeMap<>();
        Map<String, String> errorSamples = new TreeMap<>();
        Map<String, Histogram> errorLatencies = new TreeMap<>();
        Map<String, OperationReport> operations = new LinkedHashMap<>();
        long ops = 0;
        long errors = 0;
        for (var entry : result.operations().entrySet()) {
            Operation operation = entry.getKey();
            OperationStats stats = entry.getValue();
            boolean sent = operation == Operation.READ ? plan.workload().reads() : plan.workload().writes();
            if (!sent) {
                continue;
            }
            all.add(stats.latencies());
            stats.errorsByStatus().forEach((status, count) -> errorsByStatus.merge(status, count, Long::sum));
            stats.firstErrors().forEach(errorSamples::putIfAbsent);
            stats.errorLatencies().forEach((status, latencies) ->
                    errorLatencies.computeIfAbsent(status, s -> LatencyHistograms.concurrent()).add(latencies));
            ops += stats.successes();
            errors += stats.errorCount();
            operations.put(operation.label(), new OperationReport(stats.successes(), stats.errorCount(),
                    rate(stats.successes(), seconds), LatencySummary.of(stats.latencies()), stats.errorsByStatus()));
        }
        long requests = ops + errors;
        Map<String, LatencySummary> errorLatencyUs = new TreeMap<>();
        errorLatencies.forEach((status, latencies) -> errorLatencyUs.put(status, LatencySummary.of(latencies)));
        Map<String, Double> cpu = new LinkedHashMap<>();
        List<String> names = plan.measureCpu().stream().map(CpuTarget::name).distinct().toList();
        for (String name : names) {
            cpu.put(name, perRequest(result.cpuMicros().getOrDefault(name, 0L), requests));
        }
        cpu.put(ProcessCpu.CLIENT, perRequest(result.cpuMicros().getOrDefault(ProcessCpu.CLIENT, 0L), requests));
        if (result.cpuMicros().containsKey(ProcessCpu.MACHINE)) {
            cpu.put(ProcessCpu.MACHINE, perRequest(result.cpuMicros().get(ProcessCpu.MACHINE), requests));
        }
        return new BenchReport(plan.workload().name(), target, plan.tenant(), plan.consistency().wireValue(),
                plan.workload().readRatio(), plan.valueSize(), plan.keys(), plan.distribution().name().toLowerCase(java.util.Locale.ROOT),
                plan.concurrency(), plan.channels(), plan.rate().orElse(0.0), plan.idempotencyKeys(), plan.causalContext(), plan.honourRetryDelay(),
                result.preloaded(),
                plan.seed(), plan.warmup().toMillis() / 1e3, round(seconds, 3), ops, errors, rate(ops, seconds),
                LatencySummary.of(all), errorsByStatus, errorSamples, errorLatencyUs, operations, cpu, startedAt);
    }

    private static double rate(long count, double seconds) {
        return seconds <= 0 ? 0 : round(count / seconds, 1);
    }

    private static double perRequest(long micros, long requests) {
        return requests == 0 ? 0 : round((double) micros / requests, 1);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
