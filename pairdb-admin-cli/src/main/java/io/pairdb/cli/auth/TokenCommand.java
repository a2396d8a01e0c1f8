package io.pairdb.cli.auth;

import picocli.CommandLine.Command;

@Command(name = "token", description = "Tokens made on this machine.", subcommands = TokenGenerateCommand.class)
final class TokenCommand {
}
