package io.pairdb.cli.node;

import picocli.CommandLine.Command;

@Command(
        name = "node",
        description = "Add, remove and inspect storage nodes.",
        subcommands = {NodeAddCommand.class, NodeRemoveCommand.class, NodeListCommand.class})
public final class NodeCommand {
}
