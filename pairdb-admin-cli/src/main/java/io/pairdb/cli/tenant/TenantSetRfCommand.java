package io.pairdb.cli.tenant;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Confirmation;
import io.pairdb.cli.Host;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.cli.change.ChangeWatcher;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "set-rf", description = {
    "Changes a tenant's replication factor, as a topology change (see change get). "
    + "Raised: the tenant's data streams to its new replicas, which get its writes meanwhile; reads use the new RF once "
    + "the change completes. Lowered: applies at once; the extra replicas' copies are deleted by cleanup after the grace "
    + "period, so lowering asks for confirmation unless --yes is given."})
public final class TenantSetRfCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "N", description = "The new replication factor.")
    private int replicationFactor;

    @Option(names = {"-w", "--watch"}, description = "Follow the change until it ends (see change get --watch).")
    private boolean watch;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation when lowering (required when stdin is not a terminal).")
    private boolean yes;

    TenantSetRfCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code tenant set-rf}; {@code change} is null when the RF was already N. */
    record Changed(TenantView tenant, ChangeView change) {
    }

    @Override
    public Integer call() {
        if (replicationFactor < 1) {
            throw new ParameterException(spec.commandLine(), "N must be at least 1, not " + replicationFactor);
        }
        int current = options.admin().getTenant(GetTenantRequest.newBuilder().setTenantId(tenantId).build())
                .getTenant().getReplicationFactor();
        if (replicationFactor < current) {
            Confirmation.require(host, yes, "lower the replication factor of tenant " + tenantId,
                    "Lower tenant " + tenantId + " from RF " + current + " to " + replicationFactor
                            + "? Its extra copies are deleted after the cleanup grace period.");
        }
        var response = options.admin().updateReplicationFactor(UpdateReplicationFactorRequest.newBuilder()
                .setTenantId(tenantId)
                .setReplicationFactor(replicationFactor)
                .build());
        TenantView tenant = TenantView.from(response.getTenant());
        if (!response.hasChange()) {
            return options.print(new Changed(tenant, null),
                    "OK tenant %s already has RF %d; nothing to change".formatted(tenant.tenantId(), tenant.replicationFactor()));
        }
        ChangeView change = ChangeView.from(response.getChange());
        String text = "IN_PROGRESS".equals(change.status())
                ? ("OK tenant %s: RF %d -> %d started as change %s; writes use RF %d now, reads once %d ranges are copied%n"
                        + "follow it with: pairdb-admin change get %s").formatted(tenant.tenantId(),
                        change.fromReplicationFactor(), change.toReplicationFactor(), change.changeId(),
                        change.toReplicationFactor(), change.totals().streams(), change.changeId())
                : "OK tenant %s now has RF %d (change %s %s)".formatted(tenant.tenantId(), tenant.replicationFactor(),
                        change.changeId(), change.status());
        return ChangeWatcher.printAndWatch(options, host, watch, new Changed(tenant, change), text, change);
    }
}
