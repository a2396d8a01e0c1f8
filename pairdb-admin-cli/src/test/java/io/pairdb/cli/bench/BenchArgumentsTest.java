package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.cli.ExitCodes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Command lines that are refused, or understood, before anything is sent. */
class BenchArgumentsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "write | --concurrency 0           | --concurrency must be between 1 and 10000, not 0",
        "write | --channels 0              | --channels must be between 1 and 256, not 0",
        "write | --keys 0                  | --keys must be between 1 and 10000000, not 0",
        "write | --value-size -1           | --value-size must be between 0 and 1048576, not -1",
        "write | --ops 0                   | --ops must be at least 1, not 0",
        "write | --duration 0s             | --duration must be longer than 0",
        "write | --rate 0                  | --rate must be above 0 and at most 10000000, not 0.0",
        "write | --rf 3                    | --rf applies only with --create-tenant",
        "write | --tenant ''               | --tenant must not be empty",
        "mixed | --read-ratio 1.5          | --read-ratio must be between 0 and 1, not 1.5",
        "write | --distribution zipf       | Invalid value for option '--distribution'",
        "write | --idempotency-keys maybe  | Invalid value for option '--idempotency-keys'",
        "write | --consistency most        | Invalid value for option '--consistency'",
        "write | --warmup soon             | 'soon' is not a duration",
        "write | --measure-cpu coordinator | 'coordinator' is not NAME=PID[,PID...]",
        "write | --measure-cpu c=abc       | 'abc' in 'c=abc' is not a process id",
    })
    void aBadValueExitsOneWithALineNamingTheProblem(String workload, String option, String problem) {
        List<String> args = new java.util.ArrayList<>(List.of("bench", workload, "--addr", "127.0.0.1:1"));
        args.addAll(List.of(option.split(" ", 2)));
        args.replaceAll(arg -> arg.equals("''") ? "" : arg);

        var result = BenchCli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.firstErrorLine()).startsWith("error: ").contains(problem);
    }

    @Test
    void aPacedRunCannotHonourRetryDelays() {
        var result = BenchCli.run("bench", "write", "--addr", "127.0.0.1:1", "--rate", "100", "--honour-retry-delay", "on");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.firstErrorLine()).startsWith("error: --honour-retry-delay on cannot be used with --rate");
    }

    @Test
    void theProxyNeedsItsNodes() {
        var result = BenchCli.run("bench", "baseline-proxy", "--port", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.firstErrorLine()).startsWith("error: ").contains("--nodes");
    }

    @Test
    void theProxyRefusesANodeThatIsNotHostAndPort() {
        var result = BenchCli.run("bench", "baseline-proxy", "--port", "0", "--nodes", "127.0.0.1:7001,nowhere");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.firstErrorLine()).contains("'nowhere' is not host:port");
    }

    @Test
    void helpListsTheWorkloadsAndTheProxy() {
        var result = BenchCli.run("bench", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("write", "read", "mixed", "baseline-proxy");
    }

    @Test
    void withoutABoundARunMeasuresTenSeconds() {
        LoadPlan plan = plan(Workload.WRITE);

        assertThat(plan.duration()).contains(Duration.ofSeconds(10));
        assertThat(plan.ops()).isEmpty();
        assertThat(plan.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(plan.consistency()).isEqualTo(Consistency.QUORUM);
    }

    @Test
    void anOperationCountAloneBoundsTheRunWithoutADuration() {
        LoadPlan plan = plan(Workload.WRITE, "--ops", "500", "--warmup", "0s");

        assertThat(plan.ops()).contains(500L);
        assertThat(plan.duration()).isEmpty();
        assertThat(plan.warmup()).isZero();
    }

    @Test
    void readsPreloadTheKeysAndPlainWritesDoNot() {
        assertThat(plan(Workload.READ).preload()).isTrue();
        assertThat(plan(Workload.mixed(0.9)).preload()).isTrue();
        assertThat(plan(Workload.WRITE).preload()).isFalse();
    }

    @Test
    void writesWithCausalContextPreloadSoThatEveryKeyHasAClock() {
        assertThat(plan(Workload.WRITE, "--causal-context", "on").preload()).isTrue();
        assertThat(plan(Workload.WRITE, "--causal-context", "on", "--preload", "off").preload()).isFalse();
    }

    @Test
    void onAndOffAreReadWhateverTheirCase() {
        LoadPlan plan = plan(Workload.WRITE, "--idempotency-keys", "ON", "--causal-context", "Off");

        assertThat(plan.idempotencyKeys()).isTrue();
        assertThat(plan.causalContext()).isFalse();
    }

    @Test
    void cpuTargetsKeepTheirNamesAndProcesses() {
        LoadPlan plan = plan(Workload.WRITE, "--measure-cpu", "coordinator=41", "--measure-cpu", "storage=7,8,9");

        assertThat(plan.measureCpu()).containsExactly(
                new CpuTarget("coordinator", List.of(41L)), new CpuTarget("storage", List.of(7L, 8L, 9L)));
    }

    @Test
    void aGivenSeedIsKeptAndOtherwiseOneIsChosen() {
        assertThat(plan(Workload.WRITE, "--seed", "42").seed()).isEqualTo(42);
        assertThat(Optional.of(plan(Workload.WRITE).seed())).isPresent();
    }

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        LoadOptions load = new LoadOptions();

        @Spec
        CommandSpec spec;
    }

    private static LoadPlan plan(Workload workload, String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return probe.load.plan(probe.spec, workload);
    }
}
