package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Prototype
@Command(name = "create", description = "Creates a tenant.")
final class TenantCreateCommand implements Callable<Integer> {

    /** What the wire sends for "let the server choose". */
    private static final int SERVER_DEFAULT_RF = 0;

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The new tenant's id.")
    private String tenantId;

    @Option(names = "--rf", paramLabel = "N", description = "Replication factor (default: the server's, 3).")
    private Integer replicationFactor;

    TenantCreateCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        if (replicationFactor != null && replicationFactor < 1) {
            throw new ParameterException(spec.commandLine(), "--rf must be at least 1, not " + replicationFactor);
        }
        var response = options.admin().createTenant(CreateTenantRequest.newBuilder()
                .setTenantId(tenantId)
                .setReplicationFactor(replicationFactor == null ? SERVER_DEFAULT_RF : replicationFactor)
                .build());
        TenantView tenant = TenantView.from(response.getTenant());
        return options.print(new TenantView.One(tenant),
                "OK tenant %s created with RF %d".formatted(tenant.tenantId(), tenant.replicationFactor()));
    }
}
