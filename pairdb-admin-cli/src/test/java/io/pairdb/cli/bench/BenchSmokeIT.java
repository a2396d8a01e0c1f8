package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pairdb.cli.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real runs against an in-test coordinator that answers every request with success. */
class BenchSmokeIT {

    // A few hundred requests end every run; the duration only bounds a run that hangs (two seconds were too few
    // for 400 requests on a loaded machine, and the tests that count them failed).
    private static final String[] SHORT = {"--ops", "400", "--duration", "30s", "--warmup", "0s", "--no-progress"};

    private EchoCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        coordinator = EchoCoordinator.start();
        coordinator.tenants.add("bench");
    }

    @AfterEach
    void stop() throws Exception {
        coordinator.close();
    }

    @Test
    void aWriteRunReportsThroughputAndNoErrors() {
        var result = bench("write", "--keys", "50", "--consistency", "all", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode report = result.json();
        assertThat(report.get("ops").asLong()).isEqualTo(400);
        assertThat(report.get("ops_per_second").asDouble()).isPositive();
        assertThat(report.get("errors").asLong()).isZero();
        assertThat(report.get("latency_us").get("p99").asLong()).isPositive();
        assertThat(coordinator.writes.sum()).isEqualTo(400);
        assertThat(coordinator.reads.sum()).isZero();
        assertThat(coordinator.consistencies).containsExactly("all");
        assertThat(coordinator.keys).hasSizeLessThanOrEqualTo(50).allMatch(key -> key.startsWith("key-"));
    }

    @Test
    void aReadRunFirstWritesEveryKeyOnce() {
        var result = bench("read", "--keys", "30", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.json().get("preloaded").asLong()).isEqualTo(30);
        assertThat(coordinator.writes.sum()).isEqualTo(30);
        assertThat(coordinator.reads.sum()).isEqualTo(400);
    }

    @Test
    void aMixedRunSendsReadsAndWritesAtTheRatio() {
        var result = bench("mixed", "--read-ratio", "0.75", "--keys", "20", "--preload", "off", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode operations = result.json().get("operations");
        long reads = operations.get("read").get("ops").asLong();
        long writes = operations.get("write").get("ops").asLong();
        assertThat(reads + writes).isEqualTo(400);
        // 300 expected; binomial, n = 400: beyond ±60 is a 7-sigma event
        assertThat(reads).isBetween(240L, 360L);
    }

    @Test
    void causalContextSendsTheClockOfTheLastAnswerWithEveryWrite() {
        var result = bench("write", "--keys", "10", "--causal-context", "on", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        // the preload's first write of each key has no clock yet; every measured write has one
        assertThat(coordinator.writes.sum()).isEqualTo(410);
        assertThat(coordinator.writesWithCausalContext.sum()).isEqualTo(400);
    }

    @Test
    void withTheAdminApiOnItsOwnPortTheTenantIsCheckedThereAndTheLoadGoesToTheMainPort() throws Exception {
        // a coordinator with pairdb.security.admin-port: the main port takes no admin calls
        try (EchoCoordinator admin = EchoCoordinator.start(); EchoCoordinator main = EchoCoordinator.withoutAdminApi()) {
            var result = BenchCli.run(args(main.address(), "write", "--admin-addr", admin.address(), "--tenant", "canary",
                    "--create-tenant", "--keys", "10", "-o", "json"));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(admin.lastCreate.getTenantId()).isEqualTo("canary");
            assertThat(main.writes.sum()).isEqualTo(400);
            assertThat(admin.writes.sum()).isZero();
        }
    }

    @Test
    void aPacedRunSendsAtTheAskedRate() {
        var result = BenchCli.run("bench", "write", "--addr", coordinator.address(), "--rate", "200", "--duration", "1s",
                "--warmup", "0s", "--no-progress", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.json().get("target_rate").asDouble()).isEqualTo(200.0);
        // one request every 5 ms for a second, and a few due before the clock said so: never faster; slower
        // only as much as a busy machine holds the sender up
        assertThat(result.json().get("ops").asLong()).isBetween(100L, 210L);
    }

    @Test
    void honouringRetryDelaysHoldsAShedRequestsPlaceForTheDelayInsteadOfSendingAgainAtOnce() {
        coordinator.shedWritesWithRetryDelay = Duration.ofMillis(400);

        var polite = BenchCli.run("bench", "write", "--addr", coordinator.address(), "--concurrency", "2",
                "--duration", "1s", "--warmup", "0s", "--honour-retry-delay", "on", "--no-progress", "-o", "json");
        long politeSent = coordinator.writes.sumThenReset();
        var eager = BenchCli.run("bench", "write", "--addr", coordinator.address(), "--concurrency", "2",
                "--duration", "1s", "--warmup", "0s", "--no-progress", "-o", "json");
        long eagerSent = coordinator.writes.sum();

        assertThat(polite.exitCode()).as(polite.toString()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(polite.json().get("honour_retry_delay").asBoolean()).isTrue();
        assertThat(polite.json().get("errors_by_status").get("RESOURCE_EXHAUSTED").asLong()).isEqualTo(politeSent);
        // each of the 2 places sends at 0 s, then no sooner than 0.4 s and 0.8 s: at most 3 each in the second
        assertThat(politeSent).isBetween(2L, 6L);
        assertThat(eager.json().get("honour_retry_delay").asBoolean()).isFalse();
        // at once again: far more than the 6 a place that waits could send (hundreds, even on a busy machine)
        assertThat(eagerSent).isGreaterThan(30);
    }

    @Test
    void aShortPerCallTimeoutForTheLoadDoesNotCutTheTenantCheckBeforeIt() {
        coordinator.tenantLookupDelay = Duration.ofMillis(800);

        var result = bench("write", "--timeout", "300ms", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.json().get("ops").asLong()).isEqualTo(400);
    }

    @Test
    void theLatencyLogHoldsEveryMeasuredRequestPerTagInWallClockIntervals(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("latency.hlog");
        long before = System.currentTimeMillis();
        var result = bench("mixed", "--read-ratio", "0.5", "--keys", "20", "--preload", "on", "--latency-log",
                log.toString(), "-o", "json");
        long after = System.currentTimeMillis();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<String, Long> counts = new TreeMap<>();
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        EncodableHistogram interval;
        while ((interval = reader.nextIntervalHistogram()) != null) {
            assertThat(interval.getStartTimeStamp()).isBetween(before, after);
            assertThat(interval.getEndTimeStamp()).isBetween(interval.getStartTimeStamp(), after);
            counts.merge(interval.getTag(), ((Histogram) interval).getTotalCount(), Long::sum);
        }
        // the measured requests only: not the 20 preloaded writes
        JsonNode operations = result.json().get("operations");
        assertThat(counts).containsOnly(
                Map.entry("read", operations.get("read").get("ops").asLong()),
                Map.entry("write", operations.get("write").get("ops").asLong()));
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(400);
    }

    @Test
    void aLatencyLogThatCannotBeWrittenStopsTheRunBeforeAnyRequest(@TempDir Path dir) {
        Path log = dir.resolve("missing-directory").resolve("latency.hlog");

        var result = bench("write", "--latency-log", log.toString());

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.firstErrorLine()).startsWith("error: cannot write the latency log " + log);
        assertThat(coordinator.writes.sum()).isZero();
    }

    @Test
    void idempotencyKeysAreUniquePerWrite() {
        var result = bench("write", "--idempotency-keys", "on");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.idempotencyKeys).hasSize(400);
    }

    @Test
    void theTableNamesTheWorkloadAndItsFigures() {
        var result = bench("write", "--keys", "50");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).startsWith("bench write against " + coordinator.address() + ": tenant bench, consistency quorum")
                .containsPattern("(?m)^OP +OPS +OPS/S +P50\\(ms\\) +P95\\(ms\\) +P99\\(ms\\) +P99\\.9\\(ms\\) +MAX\\(ms\\) +ERRORS$")
                .containsPattern("(?m)^write +400 +")
                .contains("CPU per request: client ");
    }

    @Test
    void aMissingTenantStopsTheRunBeforeAnyRequest() {
        var result = bench("write", "--tenant", "nobody");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).isEqualTo("error: tenant 'nobody' does not exist; create it with "
                + "`pairdb-admin tenant create nobody --rf 3`, or pass --create-tenant\n");
        assertThat(coordinator.writes.sum()).isZero();
    }

    @Test
    void createTenantCreatesAMissingTenantWithTheAskedReplicationFactor() {
        var result = bench("write", "--tenant", "fresh", "--create-tenant", "--rf", "2");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.lastCreate.getTenantId()).isEqualTo("fresh");
        assertThat(coordinator.lastCreate.getReplicationFactor()).isEqualTo(2);
    }

    @Test
    void aTargetWithoutTheAdminApiIsBenchedWithoutATenantCheck() throws Exception {
        try (EchoCoordinator bare = EchoCoordinator.withoutAdminApi()) {
            var result = BenchCli.run(args(bare.address(), "write", "--tenant", "anything", "-o", "json"));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.json().get("ops").asLong()).isEqualTo(400);
        }
    }

    @Test
    void anUnreachableCoordinatorIsAServerErrorNamingTheAddress() {
        var result = BenchCli.run("bench", "write", "--addr", "127.0.0.1:1", "--ops", "1", "--no-progress");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.firstErrorLine()).startsWith("error: cannot reach the coordinator at 127.0.0.1:1");
    }

    private BenchCli.Result bench(String... workloadAndOptions) {
        return BenchCli.run(args(coordinator.address(), workloadAndOptions));
    }

    private static String[] args(String address, String... workloadAndOptions) {
        var args = new java.util.ArrayList<String>();
        args.add("bench");
        args.addAll(java.util.List.of(workloadAndOptions));
        args.addAll(java.util.List.of("--addr", address));
        args.addAll(java.util.List.of(SHORT));
        return args.toArray(String[]::new);
    }
}
