package io.pairdb.cli.bench;

import io.pairdb.cli.output.TextTable;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A run's report as {@code -o table} prints it: what ran, a row per kind of request, CPU, errors. */
final class BenchReportText {

    private BenchReportText() {
    }

    static String render(BenchReport report) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "bench %s against %s: tenant %s, consistency %s, %d-byte values, "
                        + "%d keys (%s), %d in flight on %d channels%s%s%s%n",
                report.workload(), report.target(), report.tenant(), report.consistency(), report.valueSize(),
                report.keys(), report.distribution(), report.concurrency(), report.channels(),
                report.targetRate() > 0 ? String.format(Locale.ROOT, ", paced at %.0f/s", report.targetRate()) : "",
                report.workload().equals("mixed") ? String.format(Locale.ROOT, ", %.0f %% reads", report.readRatio() * 100) : "",
                (report.idempotencyKeys() ? ", client idempotency keys" : "")
                        + (report.causalContext() ? ", causal context" : "")
                        + (report.honourRetryDelay() ? ", retry delays honoured" : "")));
        text.append(String.format(Locale.ROOT, "measured %.1f s after %s warm-up%s; seed %d%n%n",
                report.elapsedSeconds(), report.warmupSeconds() == 0 ? "no" : seconds(report.warmupSeconds()) + " of",
                report.preloaded() > 0 ? " and a preload of " + report.preloaded() + " keys" : "", report.seed()));
        TextTable table = TextTable.withColumns("OP", "OPS", "OPS/S", "P50(ms)", "P95(ms)", "P99(ms)", "P99.9(ms)",
                "MAX(ms)", "ERRORS");
        for (var entry : report.operations().entrySet()) {
            var operation = entry.getValue();
            row(table, entry.getKey(), operation.ops(), operation.opsPerSecond(), operation.latencyUs(), operation.errors());
        }
        if (report.operations().size() > 1) {
            row(table, "all", report.ops(), report.opsPerSecond(), report.latencyUs(), report.errors());
        }
        text.append(table.render());
        if (!report.cpuUsPerOp().isEmpty()) {
            text.append("\nCPU per request: ").append(report.cpuUsPerOp().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.0f µs", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "))).append('\n');
        }
        if (!report.errorsByStatus().isEmpty()) {
            text.append("\nerrors by status:\n");
            for (Map.Entry<String, Long> entry : report.errorsByStatus().entrySet()) {
                LatencySummary latency = report.errorLatencyUs().getOrDefault(entry.getKey(), LatencySummary.EMPTY);
                text.append(String.format(Locale.ROOT, "  %s  %d  answered in p50 %s ms, p99 %s ms  (first: %s)%n",
                        entry.getKey(), entry.getValue(), millis(latency.p50()), millis(latency.p99()),
                        report.errorSamples().getOrDefault(entry.getKey(), "-")));
            }
        }
        return text.toString();
    }

    private static void row(TextTable table, String name, long ops, double opsPerSecond, LatencySummary latency, long errors) {
        table.row(name, ops, String.format(Locale.ROOT, "%.1f", opsPerSecond), millis(latency.p50()), millis(latency.p95()),
                millis(latency.p99()), millis(latency.p99_9()), millis(latency.max()), errors);
    }

    /** Microseconds as milliseconds with two decimals. */
    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }

    private static String seconds(double seconds) {
        return seconds == Math.rint(seconds) ? String.format(Locale.ROOT, "%.0f s", seconds) : String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
