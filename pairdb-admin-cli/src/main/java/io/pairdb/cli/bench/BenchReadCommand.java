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
@Command(name = "read", description = "Sends reads, after writing every key once (see --preload).")
final class BenchReadCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoadOptions load;

    private final BenchRunner runner;

    BenchReadCommand(CommonOptions options, CoordinatorConnection connection, Host host) {
        this.runner = new BenchRunner(options, connection, host);
    }

    @Override
    public Integer call() throws InterruptedException {
        return runner.run(load.plan(spec, Workload.READ), load);
    }
}
