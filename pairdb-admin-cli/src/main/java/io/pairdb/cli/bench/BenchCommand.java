package io.pairdb.cli.bench;

import picocli.CommandLine.Command;

@Command(
        name = "bench",
        description = {
            "Measures throughput, latency and errors of a workload; baseline-proxy is the reference. "
            + " "
            + "Point write, read or mixed at a coordinator, then at a baseline-proxy in front of the same "
            + "storage nodes: the ratio of the two is how much the coordinator's logic costs.",
        },
        subcommands = {
            BenchWriteCommand.class,
            BenchReadCommand.class,
            BenchMixedCommand.class,
            BaselineProxyCommand.class,
            BenchCopyCommand.class,
        })
public final class BenchCommand {
}
