package io.pairdb.cli.auth;

import picocli.CommandLine.Command;

@Command(
        name = "auth",
        description = "API keys and their permissions (cluster:admin, cluster:read, tenant:ID:read, tenant:ID:write,"
                + " tenant:ID:read-write), and who you are to the coordinator.",
        subcommands = {
            KeyCommand.class,
            GrantCommand.class,
            UngrantCommand.class,
            WhoAmICommand.class,
            TokenCommand.class,
        })
public final class AuthCommand {
}
