package io.pairdb.cli.bench;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.CoordinatorConnection;
import io.pairdb.cli.Host;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "write", description = "Sends writes of random values over the key space.")
final class BenchWriteCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoadOptions load;

    private final BenchRunner runner;

    BenchWriteCommand(CommonOptions options, CoordinatorConnection connection, Host host) {
        this.runner = new BenchRunner(options, connection, host);
    }

    @Override
    public Integer call() throws InterruptedException {
        return runner.run(load.plan(spec, Workload.WRITE), load);
    }
}
