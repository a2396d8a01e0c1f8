package io.pairdb.cli.auth;

import picocli.CommandLine.Command;

@Command(
        name = "key",
        description = "Create, list and revoke API keys (needs cluster:admin).",
        subcommands = {
            KeyCreateCommand.class,
            KeyListCommand.class,
            KeyRevokeCommand.class,
        })
final class KeyCommand {
}
