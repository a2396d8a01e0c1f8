package io.pairdb.cli.bench;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.CoordinatorConnection;
import io.pairdb.cli.Host;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "mixed", description = "Sends reads and writes, each request a read with probability --read-ratio.")
final class BenchMixedCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoadOptions load;

    @Option(names = "--read-ratio", paramLabel = "R", defaultValue = "0.9",
            description = "Share of reads, between 0 and 1 (default: ${DEFAULT-VALUE}).")
    private double readRatio;

    private final BenchRunner runner;

    BenchMixedCommand(CommonOptions options, CoordinatorConnection connection, Host host) {
        this.runner = new BenchRunner(options, connection, host);
    }

    @Override
    public Integer call() throws InterruptedException {
        LoadOptions.require(spec, readRatio >= 0 && readRatio <= 1, "--read-ratio must be between 0 and 1, not " + readRatio);
        return runner.run(load.plan(spec, Workload.mixed(readRatio)), load);
    }
}
