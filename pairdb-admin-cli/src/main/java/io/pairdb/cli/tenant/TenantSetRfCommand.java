package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "set-rf", description = "Changes a tenant's replication factor.")
final class TenantSetRfCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "N", description = "The new replication factor.")
    private int replicationFactor;

    TenantSetRfCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        if (replicationFactor < 1) {
            throw new ParameterException(spec.commandLine(), "N must be at least 1, not " + replicationFactor);
        }
        var response = options.admin().updateReplicationFactor(UpdateReplicationFactorRequest.newBuilder()
                .setTenantId(tenantId)
                .setReplicationFactor(replicationFactor)
                .build());
        TenantView tenant = TenantView.from(response.getTenant());
        return options.print(new TenantView.One(tenant),
                "OK tenant %s now has RF %d (version %d)".formatted(tenant.tenantId(), tenant.replicationFactor(), tenant.version()));
    }
}
