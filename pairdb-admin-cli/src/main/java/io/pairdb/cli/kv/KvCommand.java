package io.pairdb.cli.kv;

import picocli.CommandLine.Command;

@Command(
        name = "kv",
        description = "Read and write keys through the coordinator, as an application would.",
        subcommands = {KvPutCommand.class, KvGetCommand.class, KvDeleteCommand.class})
public final class KvCommand {
}
