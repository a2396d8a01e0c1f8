package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.SetTenantSpeculationRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "set-speculation", description = {
    "Sets when the read before one of the tenant's writes asks a spare replica (speculative retry): "
    + "pN (once the quorum is later than that percentile of the asked replicas' recent answers, e.g. p99), "
    + "a time (250ms, 2s), or both (p99,250ms: whichever comes first). 'default' goes back to the "
    + "coordinator's pairdb.coordinator.speculation. Other coordinators see it within their tenant cache TTL."})
public final class TenantSetSpeculationCommand implements Callable<Integer> {
    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "POLICY", description = "p99, 250ms, p99,250ms, or default.")
    private String policy;

    TenantSetSpeculationCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        String asked = "default".equals(policy) ? "" : policy;
        var response = options.admin().setTenantSpeculation(SetTenantSpeculationRequest.newBuilder()
                .setTenantId(tenantId).setSpeculation(asked).build());
        TenantView tenant = TenantView.from(response.getTenant());
        return options.print(new TenantView.One(tenant), "OK tenant %s speculates %s".formatted(tenant.tenantId(),
                tenant.speculation() == null ? "by the coordinator's default" : "at " + tenant.speculation()));
    }
}
