package io.pairdb.cli.node;

import picocli.CommandLine.Command;

@Command(
        name = "node",
        description = "Register and inspect storage nodes.",
        mixinStandardHelpOptions = true,
        subcommands = {NodeAddCommand.class, NodeListCommand.class})
public final class NodeCommand {
}
