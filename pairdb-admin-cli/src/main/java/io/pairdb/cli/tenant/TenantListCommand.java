package io.pairdb.cli.tenant;

import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "Lists all tenants.", mixinStandardHelpOptions = true)
final class TenantListCommand implements Callable<Integer> {

    @Mixin
    private CommonOptions options;

    @Override
    public Integer call() {
        var response = options.admin().listTenants(ListTenantsRequest.getDefaultInstance());
        List<TenantView> tenants = response.getTenantsList().stream().map(TenantView::from).toList();
        return options.print(new TenantView.Many(tenants), tenants.isEmpty() ? "No tenants." : TenantView.table(tenants));
    }
}
