package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "list", description = "Lists all tenants.")
final class TenantListCommand implements Callable<Integer> {

    private final CommonOptions options;

    TenantListCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        var response = options.admin().listTenants(ListTenantsRequest.getDefaultInstance());
        List<TenantView> tenants = response.getTenantsList().stream().map(TenantView::from).toList();
        return options.print(new TenantView.Many(tenants), tenants.isEmpty() ? "No tenants." : TenantView.table(tenants));
    }
}
