package io.pairdb.cli.tenant;

import picocli.CommandLine.Command;

@Command(
        name = "tenant",
        description = "Create, show and change tenants.",
        subcommands = {
            TenantCreateCommand.class,
            TenantGetCommand.class,
            TenantListCommand.class,
            TenantSetRfCommand.class,
            TenantSetSpeculationCommand.class,
            TenantSetQuotaCommand.class,
        })
public final class TenantCommand {
}
