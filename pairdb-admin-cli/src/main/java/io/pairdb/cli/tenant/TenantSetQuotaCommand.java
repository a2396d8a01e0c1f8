package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.SetTenantQuotaRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "set-quota", description = {
    "Sets what a tenant may send to the whole cluster per second; a limit left out or 0 is no limit, so "
    + "'set-quota T' alone removes the quota. Each coordinator lets through its share (the quota divided by the "
    + "live coordinators) and answers the rest RESOURCE_EXHAUSTED (TENANT_RATE_LIMITED) with a retry delay. "
    + "Every coordinator applies it as soon as it serves the ring epoch the change bumps (within seconds)."})
public final class TenantSetQuotaCommand implements Callable<Integer> {
    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
    private String tenantId;

    @Option(names = "--ops-per-second", paramLabel = "N", description = "Requests per second; 0 (the default): no limit.")
    private long opsPerSecond;

    @Option(names = "--bytes-per-second", paramLabel = "N",
            description = "Request bytes per second; 0 (the default): no limit.")
    private long bytesPerSecond;

    TenantSetQuotaCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        if (opsPerSecond < 0) {
            throw new ParameterException(spec.commandLine(), "--ops-per-second must be 0 (no limit) or more, not "
                    + opsPerSecond);
        }
        if (bytesPerSecond < 0) {
            throw new ParameterException(spec.commandLine(), "--bytes-per-second must be 0 (no limit) or more, not "
                    + bytesPerSecond);
        }
        var response = options.admin().setTenantQuota(SetTenantQuotaRequest.newBuilder().setTenantId(tenantId)
                .setOpsPerSecond(opsPerSecond).setBytesPerSecond(bytesPerSecond).build());
        TenantView tenant = TenantView.from(response.getTenant());
        return options.print(new TenantView.One(tenant), "OK tenant %s quota: %s".formatted(tenant.tenantId(),
                tenant.quotaText()));
    }
}
