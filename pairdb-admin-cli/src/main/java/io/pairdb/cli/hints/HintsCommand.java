package io.pairdb.cli.hints;

import picocli.CommandLine.Command;

@Command(
        name = "hints",
        description = "Inspect and replay hints: replica writes waiting for a node that missed them.",
        subcommands = {HintsStatsCommand.class, HintsReplayCommand.class})
public final class HintsCommand {
}
