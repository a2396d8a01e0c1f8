package io.pairdb.cli.bench;

import io.pairdb.cli.CoordinatorAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of {@code bench write|read|mixed}: what to send, how hard, and for how long. */
final class LoadOptions {

    static final int MAX_VALUE_SIZE = 1 << 20;
    static final int MAX_KEYS = 10_000_000;
    static final int MAX_CONCURRENCY = 10_000;
    static final int MAX_CHANNELS = 256;
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

    @Option(names = "--tenant", paramLabel = "T", defaultValue = "bench",
            description = "Tenant to write to; it must exist unless --create-tenant (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--create-tenant", description = "Create the tenant first if it does not exist.")
    boolean createTenant;

    @Option(names = "--admin-addr", paramLabel = "HOST:PORT", converter = CoordinatorAddress.Converter.class,
            description = "Where the tenant is checked and created when the coordinator serves its admin API on a port"
                    + " of its own (pairdb.security.admin-port); the load still goes to --addr, with the same TLS"
                    + " options and API key (default: --addr).")
    CoordinatorAddress adminAddress;

    @Option(names = "--rf", paramLabel = "N",
            description = "Replication factor of a tenant --create-tenant creates (default: the server's, 3).")
    Integer replicationFactor;

    @Option(names = "--consistency", paramLabel = "LEVEL", defaultValue = "quorum",
            description = "one, quorum or all (default: ${DEFAULT-VALUE}).")
    Consistency consistency;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "128",
            description = "Size of every written value (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
            description = "Size of the key space (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--distribution", paramLabel = "D", defaultValue = "uniform",
            description = "uniform, or hot: " + KeyChooser.HOT_OPS_PERCENT + "%% of the requests on the first "
                    + KeyChooser.HOT_KEYS_PERCENT + "%% of the keys (default: ${DEFAULT-VALUE}).")
    Distribution distribution;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
            description = "Requests in flight at any time (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--channels", paramLabel = "N", defaultValue = "4",
            description = "gRPC channels (connections) the requests are spread over (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to measure, after the warm-up (default: 10s unless --ops is given).")
    Duration duration;

    @Option(names = "--ops", paramLabel = "N",
            description = "How many requests to measure, after the warm-up; with --duration, whichever ends first.")
    Long ops;

    @Option(names = "--rate", paramLabel = "OPS_PER_SECOND",
            description = "Send at this steady rate instead of as fast as --concurrency allows; latencies then count "
                    + "from when each request was due, so a server that falls behind shows it (default: unpaced).")
    Double rate;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Load sent before measuring, not counted (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--idempotency-keys", paramLabel = "on|off", defaultValue = "off",
            description = "Send a unique client idempotency key with every write (default: ${DEFAULT-VALUE}).")
    Toggle idempotencyKeys;

    @Option(names = "--causal-context", paramLabel = "on|off", defaultValue = "off",
            description = "Send with every write the key's clock from the last answer about that key, so the "
                    + "coordinator can skip its read-before-write (default: ${DEFAULT-VALUE}).")
    Toggle causalContext;

    @Option(names = "--preload", paramLabel = "on|off",
            description = "Write every key once before the warm-up, not measured (default: on for read and mixed, "
                    + "and for write with --causal-context on).")
    Toggle preload;

    @Option(names = "--honour-retry-delay", paramLabel = "on|off", defaultValue = "off",
            description = "After an error that asks for a retry delay (a RetryInfo, as when an overloaded coordinator "
                    + "sheds a request), wait that long, at most " + LoadGenerator.MAX_RETRY_DELAY_SECONDS
                    + "s, before sending the next request in its place, as a well-behaved client would (default: "
                    + "${DEFAULT-VALUE}: at once).")
    Toggle honourRetryDelay;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the key choices (default: random, printed).")
    Long seed;

    @Option(names = "--measure-cpu", paramLabel = "NAME=PID[,PID...]", converter = CpuTarget.Converter.class,
            description = "Report the CPU time these processes use per request while measuring (repeatable).")
    List<CpuTarget> measureCpu = new ArrayList<>();

    @Option(names = "--clock-ticks", paramLabel = "N", defaultValue = "100",
            description = "Clock ticks per second of /proc/PID/stat, from `getconf CLK_TCK` (default: ${DEFAULT-VALUE}).")
    long clockTicks;

    @Option(names = "--latency-log", paramLabel = "FILE",
            description = "Also write the measured requests' latencies to FILE as an HdrHistogram interval log, one "
                    + "histogram per 0.5 s and per tag (write, read, write-error, read-error), in wall-clock time: "
                    + "the percentiles of any window of the run (bench/LatencyWindow.java reads it).")
    Path latencyLog;

    @Option(names = "--no-progress", description = "Do not print the progress line on stderr.")
    boolean noProgress;

    /**
     * The run these options describe.
     *
     * @throws ParameterException naming the first option with an unusable value
     */
    LoadPlan plan(CommandSpec spec, Workload workload) {
        require(spec, !tenant.isBlank(), "--tenant must not be empty");
        require(spec, replicationFactor == null || createTenant, "--rf applies only with --create-tenant");
        require(spec, replicationFactor == null || replicationFactor >= 1, "--rf must be at least 1, not " + replicationFactor);
        require(spec, valueSize >= 0 && valueSize <= MAX_VALUE_SIZE,
                "--value-size must be between 0 and " + MAX_VALUE_SIZE + ", not " + valueSize);
        require(spec, keys >= 1 && keys <= MAX_KEYS, "--keys must be between 1 and " + MAX_KEYS + ", not " + keys);
        require(spec, concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
                "--concurrency must be between 1 and " + MAX_CONCURRENCY + ", not " + concurrency);
        require(spec, channels >= 1 && channels <= MAX_CHANNELS,
                "--channels must be between 1 and " + MAX_CHANNELS + ", not " + channels);
        require(spec, ops == null || ops >= 1, "--ops must be at least 1, not " + ops);
        require(spec, duration == null || !duration.isZero(), "--duration must be longer than 0");
        require(spec, rate == null || rate > 0 && rate <= 1e7, "--rate must be above 0 and at most 10000000, not " + rate);
        require(spec, clockTicks >= 1, "--clock-ticks must be at least 1, not " + clockTicks);
        require(spec, rate == null || !honourRetryDelay.isOn(),
                "--honour-retry-delay on cannot be used with --rate: a paced request is due when it is due, and a "
                        + "held place would show the client's own wait as the server's latency");
        Optional<Duration> measureFor = Optional.ofNullable(duration).or(() -> ops == null ? Optional.of(DEFAULT_DURATION) : Optional.empty());
        boolean preloadKeys = preload != null ? preload.isOn() : workload.reads() || causalContext.isOn();
        return new LoadPlan(workload, tenant, consistency, valueSize, keys, distribution, concurrency, channels,
                measureFor, Optional.ofNullable(ops), Optional.ofNullable(rate), warmup, idempotencyKeys.isOn(), causalContext.isOn(), preloadKeys,
                honourRetryDelay.isOn(),
                seed != null ? seed : ThreadLocalRandom.current().nextLong(), measureCpu, clockTicks);
    }

    static void require(CommandSpec spec, boolean condition, String problem) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }
}
