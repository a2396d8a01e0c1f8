package io.pairdb.cli.change;

import picocli.CommandLine.Command;

@Command(
        name = "change",
        description = "Inspect topology changes: nodes being added or removed, and how far their range streaming got.",
        subcommands = {ChangeListCommand.class, ChangeGetCommand.class, ChangeThrottleCommand.class})
public final class ChangeCommand {
}
