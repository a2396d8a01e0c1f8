package io.pairdb.cli.node;

import picocli.CommandLine.Command;

@Command(
        name = "node",
        description = "Register and inspect storage nodes.",
        subcommands = {NodeAddCommand.class, NodeListCommand.class})
public final class NodeCommand {
}
