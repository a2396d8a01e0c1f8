package io.pairdb.cli.cleanup;

import picocli.CommandLine.Command;

@Command(
        name = "cleanup",
        description = {
            "Cleanup after topology changes: former owners' copies of moved ranges are deleted once the "
            + "grace period is over and the new replicas verify; `change get ID` shows how far it got."},
        subcommands = {CleanupForceCommand.class})
public final class CleanupCommand {
}
