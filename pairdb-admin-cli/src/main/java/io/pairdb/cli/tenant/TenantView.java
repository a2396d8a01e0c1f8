package io.pairdb.cli.tenant;

import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.Tenant;
import java.time.Instant;
import java.util.List;

/**
 * A tenant as the CLI prints it; in JSON its fields are the proto's.
 *
 * @param pendingReplicationFactor the RF a change in progress raises or lowers it to, else null
 * @param speculation the tenant's own speculation policy, else null (the coordinator's default)
 * @param opsPerSecond   the tenant's quota of requests per second across the cluster, 0 for none
 * @param bytesPerSecond the tenant's quota of request bytes per second across the cluster, 0 for none
 */
record TenantView(String tenantId, int replicationFactor, Integer pendingReplicationFactor, Instant createdAt,
                  Instant updatedAt, long version, String speculation, long opsPerSecond, long bytesPerSecond) {

    static TenantView from(Tenant tenant) {
        return new TenantView(
                tenant.getTenantId(),
                tenant.getReplicationFactor(),
                tenant.hasPendingReplicationFactor() ? tenant.getPendingReplicationFactor() : null,
                Times.instant(tenant.hasCreatedAt(), tenant.getCreatedAt()),
                Times.instant(tenant.hasUpdatedAt(), tenant.getUpdatedAt()),
                tenant.getVersion(),
                tenant.hasSpeculation() ? tenant.getSpeculation() : null,
                tenant.getOpsPerSecond(),
                tenant.getBytesPerSecond());
    }

    static String table(List<TenantView> tenants) {
        TextTable table = TextTable.withColumns("TENANT", "RF", "VERSION", "CREATED", "UPDATED");
        tenants.forEach(t -> table.row(t.tenantId, t.rfText(), t.version, Times.text(t.createdAt), Times.text(t.updatedAt)));
        return table.render();
    }

    /** e.g. {@code 3}, or {@code 2 (-> 3)} while a raise streams. */
    String rfText() {
        return pendingReplicationFactor == null ? String.valueOf(replicationFactor)
                : replicationFactor + " (-> " + pendingReplicationFactor + ")";
    }

    /** e.g. {@code 100 ops/s, no bytes/s limit}, or {@code none}. */
    String quotaText() {
        if (opsPerSecond == 0 && bytesPerSecond == 0) {
            return "none";
        }
        return (opsPerSecond == 0 ? "no ops/s limit" : opsPerSecond + " ops/s") + ", "
                + (bytesPerSecond == 0 ? "no bytes/s limit" : bytesPerSecond + " bytes/s");
    }

    /** The JSON document of commands that answer with one tenant. */
    record One(TenantView tenant) {
    }

    /** The JSON document of {@code tenant list}. */
    record Many(List<TenantView> tenants) {
    }
}
