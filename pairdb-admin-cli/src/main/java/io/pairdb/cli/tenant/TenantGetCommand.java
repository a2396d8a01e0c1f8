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
        return options.print(new TenantView.One(tenant), TenantView.table(List.of(tenant)));
    }
}
