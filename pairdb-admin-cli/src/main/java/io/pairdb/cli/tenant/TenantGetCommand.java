package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "get", description = "Shows one tenant.")
final class TenantGetCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
    private String tenantId;

    TenantGetCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        var response = options.admin().getTenant(GetTenantRequest.newBuilder().setTenantId(tenantId).build());
        TenantView tenant = TenantView.from(response.getTenant());
        String text = TenantView.table(List.of(tenant))
                + "quota: %s across the cluster (each of %d live coordinators lets through its share)%n".formatted(
                        tenant.quotaText(), response.getLiveCoordinators())
                + "recent on this coordinator: %.1f ops/s let through, %d throttled%n".formatted(
                        response.getRecentOpsPerSecond(), response.getRecentThrottled());
        return options.print(new Shown(tenant, response.getRecentOpsPerSecond(), response.getRecentThrottled(),
                response.getLiveCoordinators()), text);
    }

    /**
     * The JSON document of {@code tenant get}: the tenant, and what the answering coordinator saw of
     * it lately (about the last minute) among how many live coordinators.
     */
    record Shown(TenantView tenant, double recentOpsPerSecond, long recentThrottled, int liveCoordinators) {
    }
}
