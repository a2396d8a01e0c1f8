import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Renders one bench/run.sh suite as a Markdown section: the machine, a row per run, the goals of
 * issue 5 against what was measured, and the exact commands. Run by bench/run.sh with the
 * pairdb-admin jar on the class path (for Jackson):
 * {@code java -cp pairdb-admin.jar bench/ResultsReport.java WORK_DIR}.
 */
public final class ResultsReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(String name, String target, String load, String command, JsonNode report) {
        double opsPerSecond() {
            return report.get("ops_per_second").asDouble();
        }

        double cpu(String name) {
            JsonNode value = report.get("cpu_us_per_op").get(name);
            return value == null ? Double.NaN : value.asDouble();
        }

        double millis(String percentile) {
            return report.get("latency_us").get(percentile).asLong() / 1000.0;
        }
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        // key=value lines, read verbatim (Properties would take the backslashes of a quoted command as escapes)
        Properties meta = new Properties();
        for (String line : Files.readAllLines(work.resolve("meta.properties"))) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                meta.setProperty(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(work.resolve("runs.tsv"))) {
            String[] fields = line.split("\t", 4);
            JsonNode report = JSON.readTree(work.resolve("runs").resolve(fields[0] + ".json").toFile());
            runs.put(fields[0], new Run(fields[0], fields[1], fields[2], fields[3], report));
        }
        System.out.print(render(meta, runs));
    }

    static String render(Properties meta, Map<String, Run> runs) {
        StringBuilder md = new StringBuilder();
        String label = meta.getProperty("label", "");
        md.append("## ").append(meta.getProperty("date")).append(label.isBlank() ? "" : " — " + label)
                .append(" — commit ").append(meta.getProperty("commit")).append("\n\n");
        md.append("- **Machine:** ").append(meta.getProperty("nproc")).append(" CPUs, ").append(meta.getProperty("cpu"))
                .append(", ").append(meta.getProperty("memory")).append(" RAM, Linux ").append(meta.getProperty("kernel"))
                .append(", ").append(meta.getProperty("java")).append('\n');
        md.append("- **Storage nodes:** ").append(meta.getProperty("storage", "emulator")).append('\n');
        md.append("- **Jars:** ").append(meta.getProperty("jars", "-"))
                .append(" (the commit above is the checkout's; a jar may have been built from another state)\n");
        md.append("- **Load average** (1, 5, 15 min) at the start: ").append(meta.getProperty("load_start"))
                .append("; at the end: ").append(meta.getProperty("load_end"))
                .append(". Everything (client, coordinator, PostgreSQL, Redis, three emulators, proxy) shares these CPUs.\n");
        md.append("- **Suite:** `").append(meta.getProperty("command")).append("` — ").append(meta.getProperty("duration"))
                .append(" s per run after a ").append(meta.getProperty("warmup")).append(" s warm-up, ")
                .append(meta.getProperty("keys")).append(" keys, ").append(meta.getProperty("value_size"))
                .append("-byte values, RF 3, consistency quorum, concurrency ").append(meta.getProperty("concurrencies"))
                .append("; the suite took ").append(meta.getProperty("elapsed")).append(" s.\n\n");

        md.append("| run | target | ops/s | p50 ms | p99 ms | p99.9 ms | errors | target CPU µs/req | storage µs/req "
                + "| PG+Redis µs/req | client µs/req | other µs/req | coordinator ÷ baseline |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Run run : runs.values()) {
            if (run.name().startsWith("preload-") || run.name().startsWith("jit-warmup-")) {
                continue;
            }
            String server = run.target().equals("coordinator") ? "coordinator" : "baseline";
            double listed = sum(run.cpu(server), run.cpu("storage"), run.cpu("postgres+redis"), run.cpu("client"));
            String ratio = "";
            if (run.target().equals("coordinator")) {
                ratio = Optional.ofNullable(runs.get(run.name().replace("-coordinator", "-baseline")))
                        .map(baseline -> format("%.2f×", run.opsPerSecond() / baseline.opsPerSecond())).orElse("");
            }
            md.append(format("| %s | %s | %.0f | %.1f | %.1f | %.1f | %d | %s | %s | %s | %s | %s | %s |\n",
                    run.name().replace("-" + run.target(), ""), run.target(), run.opsPerSecond(), run.millis("p50"),
                    run.millis("p99"), run.millis("p99_9"), run.report().get("errors").asLong(), micros(run.cpu(server)),
                    micros(run.cpu("storage")), micros(run.cpu("postgres+redis")), micros(run.cpu("client")),
                    micros(Math.max(0, run.cpu("machine") - listed)), ratio));
        }
        md.append("\n*other* = CPU of every process on the machine per request minus the processes listed: "
                + "work that is not the benchmark's (other users of a shared machine, the kernel); 0 when the "
                + "difference is within the 10 ms granularity of per-process ticks.\n\n");

        md.append(goals(meta, runs));

        md.append("\n<details><summary>Commands of this suite</summary>\n\n```\n");
        for (Run run : runs.values()) {
            md.append("# ").append(run.name()).append(" (load average ").append(run.load()).append(")\n")
                    .append(run.command()).append('\n');
        }
        md.append("```\n</details>\n");
        return md.toString();
    }

    private static String goals(Properties meta, Map<String, Run> runs) {
        List<String> concurrencies = List.of(meta.getProperty("concurrencies").trim().split("\\s+"));
        StringBuilder md = new StringBuilder("| goal (issue 5) | measured | reached |\n|---|---|---|\n");
        List<String> writeRatios = new ArrayList<>();
        List<String> readRatios = new ArrayList<>();
        List<String> writeCpu = new ArrayList<>();
        List<String> readCpu = new ArrayList<>();
        boolean writesReached = true;
        boolean readsReached = true;
        boolean writeCpuReached = true;
        boolean readCpuReached = true;
        for (String c : concurrencies) {
            Optional<Double> write = ratio(runs, "write-c" + c);
            Optional<Double> read = ratio(runs, "read-c" + c);
            writeRatios.add(write.map(r -> format("%.2f× at %s", r, c)).orElse("—"));
            readRatios.add(read.map(r -> format("%.2f× at %s", r, c)).orElse("—"));
            writesReached &= write.map(r -> r >= 0.7).orElse(false);
            readsReached &= read.map(r -> r >= 0.8).orElse(false);
            Optional<Run> writeRun = Optional.ofNullable(runs.get("write-c" + c + "-coordinator"));
            Optional<Run> readRun = Optional.ofNullable(runs.get("read-c" + c + "-coordinator"));
            writeCpu.add(writeRun.map(r -> format("%.0f µs at %s", r.cpu("coordinator"), c)).orElse("—"));
            readCpu.add(readRun.map(r -> format("%.0f µs at %s", r.cpu("coordinator"), c)).orElse("—"));
            writeCpuReached &= writeRun.map(r -> r.cpu("coordinator") <= 150).orElse(false);
            readCpuReached &= readRun.map(r -> r.cpu("coordinator") <= 110).orElse(false);
        }
        md.append(row("quorum writes ≥ 0.7× baseline", String.join(", ", writeRatios), writesReached));
        md.append(row("quorum reads ≥ 0.8× baseline", String.join(", ", readRatios), readsReached));
        md.append(row("coordinator CPU ≤ 150 µs per quorum write", String.join(", ", writeCpu), writeCpuReached));
        md.append(row("coordinator CPU ≤ 110 µs per quorum read", String.join(", ", readCpu), readCpuReached));
        for (String workload : List.of("write", "read")) {
            Run paced = runs.get(workload + "-rate70-coordinator");
            if (paced != null) {
                md.append(row("p99 ≤ 20 ms at 70 % of the maximum (" + workload + "s)",
                        format("p99 %.1f ms at %.0f/s (reached %.0f/s)", paced.millis("p99"),
                                paced.report().get("target_rate").asDouble(), paced.opsPerSecond()),
                        paced.millis("p99") <= 20 && paced.report().get("errors").asLong() == 0));
            }
        }
        String highest = concurrencies.stream().max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElseThrow();
        Run causal = runs.get("causal-write-c" + highest + "-coordinator");
        Run readBeforeWrite = runs.get("write-c" + highest + "-coordinator");
        if (causal != null && readBeforeWrite != null) {
            double ratio = causal.opsPerSecond() / readBeforeWrite.opsPerSecond();
            md.append(row("writes with causal context ≥ 1.2× writes with read-before-write",
                    format("%.2f× at %s (%.0f vs %.0f ops/s)", ratio, highest, causal.opsPerSecond(), readBeforeWrite.opsPerSecond()),
                    ratio >= 1.2));
        }
        return md.toString();
    }

    private static Optional<Double> ratio(Map<String, Run> runs, String prefix) {
        Run coordinator = runs.get(prefix + "-coordinator");
        Run baseline = runs.get(prefix + "-baseline");
        if (coordinator == null || baseline == null || baseline.opsPerSecond() == 0) {
            return Optional.empty();
        }
        return Optional.of(coordinator.opsPerSecond() / baseline.opsPerSecond());
    }

    private static String row(String goal, String measured, boolean reached) {
        return "| " + goal + " | " + measured + " | " + (reached ? "yes" : "**no**") + " |\n";
    }

    private static double sum(double... values) {
        double total = 0;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                total += value;
            }
        }
        return total;
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "—" : format("%.0f", value);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
