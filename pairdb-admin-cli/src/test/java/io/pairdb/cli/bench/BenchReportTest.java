package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.cli.output.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** What a run reports, from known recorded values. */
class BenchReportTest {

    private static final long TEN_SECONDS = 10_000_000_000L;

    @Test
    void percentilesComeFromTheRecordedLatencies() {
        Histogram histogram = LatencyHistograms.concurrent();
        for (long micros = 1; micros <= 10_000; micros++) {
            histogram.recordValue(micros);
        }

        LatencySummary summary = LatencySummary.of(histogram);

        assertThat(summary.count()).isEqualTo(10_000);
        assertThat(summary.mean()).isCloseTo(5_000.5, within(5.0));
        // three significant digits: within 0.1 %
        assertThat(summary.p50()).isCloseTo(5_000, within(5L));
        assertThat(summary.p95()).isCloseTo(9_500, within(10L));
        assertThat(summary.p99()).isCloseTo(9_900, within(10L));
        assertThat(summary.p99_9()).isCloseTo(9_990, within(10L));
        assertThat(summary.max()).isCloseTo(10_000, within(10L));
    }

    @Test
    void aFewSlowRequestsShowInTheTailOnly() {
        Histogram histogram = LatencyHistograms.concurrent();
        histogram.recordValueWithCount(1_000, 990);
        histogram.recordValueWithCount(50_000, 10);

        LatencySummary summary = LatencySummary.of(histogram);

        assertThat(summary.p50()).isCloseTo(1_000, within(1L));
        assertThat(summary.p99()).isCloseTo(1_000, within(1L));
        assertThat(summary.p99_9()).isCloseTo(50_000, within(50L));
        assertThat(summary.max()).isCloseTo(50_000, within(50L));
    }

    @Test
    void nothingRecordedReportsZeros() {
        assertThat(LatencySummary.of(LatencyHistograms.concurrent())).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void throughputCountsTheSuccessesOverTheMeasuredTime() {
        BenchReport report = BenchReport.of(plan(Workload.WRITE), "127.0.0.1:7000", result(writes(4_000, 0), reads(0, 0)), Instant.EPOCH);

        assertThat(report.ops()).isEqualTo(4_000);
        assertThat(report.errors()).isZero();
        assertThat(report.elapsedSeconds()).isEqualTo(10.0);
        assertThat(report.opsPerSecond()).isEqualTo(400.0);
        assertThat(report.operations()).containsOnlyKeys("write");
    }

    @Test
    void errorsAreCountedByStatusWithTheFirstMessage() {
        OperationStats writes = writes(100, 0);
        writes.failed("UNAVAILABLE", "UNAVAILABLE: write at consistency quorum needed 2 (QUORUM_NOT_REACHED)", 3_000);
        writes.failed("UNAVAILABLE", "a later one", 3_000);
        writes.failed("DEADLINE_EXCEEDED", "too slow", 2_000_000);

        BenchReport report = BenchReport.of(plan(Workload.WRITE), "t", result(writes, reads(0, 0)), Instant.EPOCH);

        assertThat(report.errors()).isEqualTo(3);
        assertThat(report.errorsByStatus()).containsExactly(Map.entry("DEADLINE_EXCEEDED", 1L), Map.entry("UNAVAILABLE", 2L));
        assertThat(report.errorSamples()).containsEntry("UNAVAILABLE",
                "UNAVAILABLE: write at consistency quorum needed 2 (QUORUM_NOT_REACHED)");
        assertThat(BenchReportText.render(report))
                .contains("UNAVAILABLE  2  answered in p50 3.00 ms, p99 3.00 ms  (first: UNAVAILABLE: write at consistency quorum");
    }

    @Test
    void howFastFailuresComeBackIsReportedPerStatusApartFromTheSuccesses() {
        OperationStats writes = writes(100, 0);
        OperationStats reads = reads(100, 0);
        for (int i = 1; i <= 100; i++) {
            writes.failed("RESOURCE_EXHAUSTED", "shed", i * 10);
            reads.failed("RESOURCE_EXHAUSTED", "shed", i * 10);
        }
        reads.failed("DEADLINE_EXCEEDED", "too slow", 2_000_000);

        BenchReport report = BenchReport.of(plan(Workload.mixed(0.5)), "t", result(writes, reads), Instant.EPOCH);

        assertThat(report.errorLatencyUs()).containsOnlyKeys("DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED");
        LatencySummary shed = report.errorLatencyUs().get("RESOURCE_EXHAUSTED");
        assertThat(shed.count()).isEqualTo(200);
        assertThat(shed.p50()).isEqualTo(500);
        assertThat(shed.p99()).isEqualTo(990);
        assertThat(report.errorLatencyUs().get("DEADLINE_EXCEEDED").max()).isBetween(1_999_000L, 2_001_000L);
        // the successes' latencies are not mixed with the failures'
        assertThat(report.latencyUs().count()).isEqualTo(200);
        assertThat(report.latencyUs().max()).isLessThan(1_100);
    }

    @Test
    void aMixedRunReportsEachKindAndTheirSum() {
        BenchReport report = BenchReport.of(plan(Workload.mixed(0.9)), "t", result(writes(100, 1), reads(900, 0)), Instant.EPOCH);

        assertThat(report.operations()).containsOnlyKeys("write", "read");
        assertThat(report.operations().get("read").ops()).isEqualTo(900);
        assertThat(report.operations().get("write").errors()).isEqualTo(1);
        assertThat(report.ops()).isEqualTo(1_000);
        assertThat(report.latencyUs().count()).isEqualTo(1_000);
        assertThat(BenchReportText.render(report)).contains("90 % reads").containsPattern("(?m)^all +1000 +100\\.0 ");
    }

    @Test
    void cpuIsDividedOverEveryMeasuredRequest() {
        var plan = plan(Workload.WRITE, new CpuTarget("coordinator", List.of(1L)));
        var result = new LoadGenerator.Result(TEN_SECONDS, operations(writes(3_999, 1), reads(0, 0)),
                Map.of("coordinator", 600_000L, ProcessCpu.CLIENT, 200_000L, ProcessCpu.MACHINE, 1_000_000L), 0);

        BenchReport report = BenchReport.of(plan, "t", result, Instant.EPOCH);

        assertThat(report.cpuUsPerOp()).containsExactly(
                Map.entry("coordinator", 150.0), Map.entry("client", 50.0), Map.entry("machine", 250.0));
        assertThat(BenchReportText.render(report)).contains("CPU per request: coordinator 150 µs, client 50 µs, machine 250 µs");
    }

    @Test
    void theJsonDocumentHasTheStableFieldNames() throws Exception {
        BenchReport report = BenchReport.of(plan(Workload.mixed(0.5)), "127.0.0.1:7000", result(writes(10, 0), reads(10, 0)),
                Instant.parse("2025-01-01T00:00:00Z"));

        JsonNode json = new ObjectMapper().readTree(Json.write(report));

        assertThat(json.fieldNames()).toIterable().contains("workload", "target", "tenant", "consistency", "read_ratio",
                "value_size", "keys", "distribution", "concurrency", "channels", "target_rate", "idempotency_keys", "causal_context",
                "preloaded", "seed", "warmup_seconds", "elapsed_seconds", "ops", "errors", "ops_per_second", "latency_us",
                "errors_by_status", "error_samples", "error_latency_us", "operations", "cpu_us_per_op", "started_at");
        assertThat(json.get("latency_us").fieldNames()).toIterable()
                .containsExactly("count", "mean", "p50", "p95", "p99", "p99_9", "max");
        assertThat(json.get("operations").get("read").fieldNames()).toIterable()
                .containsExactly("ops", "errors", "ops_per_second", "latency_us", "errors_by_status");
        assertThat(json.get("workload").asText()).isEqualTo("mixed");
        assertThat(json.get("ops").asLong()).isEqualTo(20);
        assertThat(json.get("ops_per_second").asDouble()).isEqualTo(2.0);
        assertThat(json.get("started_at").asText()).isEqualTo("2025-01-01T00:00:00Z");
    }

    private static OperationStats writes(int successes, int errors) {
        return stats(successes, errors);
    }

    private static OperationStats reads(int successes, int errors) {
        return stats(successes, errors);
    }

    private static OperationStats stats(int successes, int errors) {
        OperationStats stats = new OperationStats();
        for (int i = 0; i < successes; i++) {
            stats.succeeded(1_000 + i % 100);
        }
        for (int i = 0; i < errors; i++) {
            stats.failed("UNAVAILABLE", "down", 5_000);
        }
        return stats;
    }

    private static LoadGenerator.Result result(OperationStats writes, OperationStats reads) {
        return new LoadGenerator.Result(TEN_SECONDS, operations(writes, reads), Map.of(), 0);
    }

    private static Map<Operation, OperationStats> operations(OperationStats writes, OperationStats reads) {
        Map<Operation, OperationStats> operations = new EnumMap<>(Operation.class);
        operations.put(Operation.WRITE, writes);
        operations.put(Operation.READ, reads);
        return operations;
    }

    private static LoadPlan plan(Workload workload, CpuTarget... cpu) {
        return new LoadPlan(workload, "bench", Consistency.QUORUM, 128, 10_000, Distribution.UNIFORM, 16, 4,
                Optional.of(Duration.ofSeconds(10)), Optional.empty(), Optional.empty(), Duration.ZERO, false, false, false, false, 1, List.of(cpu), 100);
    }
}
