package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantCommandsIT {

    private final ObjectMapper json = new ObjectMapper();
    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void createsATenantWithTheServerDefaultRfWhenNoRfIsGiven() {
        var result = cli().run("tenant", "create", "acme", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastCreate.getReplicationFactor()).isZero();
        assertThat(result.stdout()).isEqualTo("OK tenant acme created with RF 3\n");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void createsATenantWithTheRfAsked() {
        var result = cli().run("tenant", "create", "acme", "--rf", "5", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastCreate.getReplicationFactor()).isEqualTo(5);
        assertThat(result.stdout()).contains("acme", "RF 5");
    }

    @Test
    void refusesAnRfBelowOneWithoutCallingTheServer() {
        var result = cli().run("tenant", "create", "acme", "--rf", "0", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: --rf must be at least 1, not 0\n").contains("Usage: pairdb-admin tenant create");
        assertThat(coordinator.admin.lastCreate).isNull();
    }

    @Test
    void showsATenantAsATableWithItsRf() {
        coordinator.admin.addTenant("acme", 3);

        var result = cli().run("tenant", "get", "acme", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                TENANT  RF  VERSION  CREATED               UPDATED
                acme    3   1        2025-01-01T00:00:00Z  2025-01-01T00:00:00Z
                quota: none across the cluster (each of 2 live coordinators lets through its share)
                recent on this coordinator: 0.0 ops/s let through, 0 throttled
                """);
    }

    @Test
    void showsATenantAsJsonWithTheProtoFieldNames() throws Exception {
        coordinator.admin.addTenant("acme", 3);

        var result = cli().run("tenant", "get", "acme", "-o", "json", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode tenant = json.readTree(result.stdout()).get("tenant");
        assertThat(tenant.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(tenant.get("replication_factor").asInt()).isEqualTo(3);
        assertThat(tenant.get("version").asLong()).isEqualTo(1);
        assertThat(tenant.get("created_at").asText()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void reportsAMissingTenantOnOneLineWithTheServersReasonAndExitsTwo() {
        var result = cli().run("tenant", "get", "acme", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).isEqualTo("error: NOT_FOUND: tenant 'acme' does not exist (TENANT_NOT_FOUND)\n");
    }

    @Test
    void listsAllTenantsInATable() {
        coordinator.admin.addTenant("acme", 3);
        coordinator.admin.addTenant("globex", 5);

        var result = cli().run("tenant", "list", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout().lines())
                .hasSize(3)
                .anySatisfy(line -> assertThat(line).startsWith("acme    3 "))
                .anySatisfy(line -> assertThat(line).startsWith("globex  5 "));
    }

    @Test
    void listsTenantsAsOneJsonArray() throws Exception {
        coordinator.admin.addTenant("acme", 3);
        coordinator.admin.addTenant("globex", 5);

        var result = cli().run("tenant", "list", "--output", "JSON", "--addr", coordinator.address());

        JsonNode tenants = json.readTree(result.stdout()).get("tenants");
        assertThat(tenants).hasSize(2);
        assertThat(tenants.get(1).get("tenant_id").asText()).isEqualTo("globex");
        assertThat(tenants.get(1).get("replication_factor").asInt()).isEqualTo(5);
    }

    @Test
    void saysSoWhenThereAreNoTenants() {
        var result = cli().run("tenant", "list", "--addr", coordinator.address());

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("No tenants.\n");
    }

    @Test
    void raisingATenantsRfStartsAChangeAndSaysHowToFollowIt() {
        coordinator.admin.addTenant("acme", 3);

        var result = cli().run("tenant", "set-rf", "acme", "5", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                OK tenant acme: RF 3 -> 5 started as change rf-acme-5-e9; writes use RF 5 now, reads once 48 ranges are copied
                follow it with: pairdb-admin change get rf-acme-5-e9
                """);
        assertThat(coordinator.admin.tenants.get("acme").getPendingReplicationFactor()).isEqualTo(5);
    }

    @Test
    void loweringATenantsRfNeedsConfirmation() {
        coordinator.admin.addTenant("acme", 3);

        var refused = cli().run("tenant", "set-rf", "acme", "2", "--addr", coordinator.address());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("add --yes");
        assertThat(coordinator.admin.tenants.get("acme").getReplicationFactor()).isEqualTo(3);

        var lowered = cli().run("tenant", "set-rf", "acme", "2", "--yes", "-o", "json", "--addr", coordinator.address());
        assertThat(lowered.exitCode()).as(lowered.toString()).isZero();
        assertThat(lowered.stdout()).contains("\"to_replication_factor\" : 2").contains("\"status\" : \"COMPLETED\"");
        assertThat(coordinator.admin.tenants.get("acme").getReplicationFactor()).isEqualTo(2);
    }

    @Test
    void settingTheRfATenantHasChangesNothing() {
        coordinator.admin.addTenant("acme", 3);

        var result = cli().run("tenant", "set-rf", "acme", "3", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("OK tenant acme already has RF 3; nothing to change\n");
    }

    @Test
    void settingATenantsSpeculationSendsThePolicyAndDefaultClearsIt() {
        coordinator.admin.addTenant("acme", 3);

        var set = cli().run("tenant", "set-speculation", "acme", "p99,40ms", "--addr", coordinator.address());

        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).isEqualTo("OK tenant acme speculates at p99,40ms\n");
        assertThat(coordinator.admin.tenants.get("acme").getSpeculation()).isEqualTo("p99,40ms");

        var cleared = cli().run("tenant", "set-speculation", "acme", "default", "--addr", coordinator.address());

        assertThat(cleared.exitCode()).as(cleared.toString()).isZero();
        assertThat(cleared.stdout()).isEqualTo("OK tenant acme speculates by the coordinator's default\n");
        assertThat(coordinator.admin.tenants.get("acme").hasSpeculation()).isFalse();
    }

    @Test
    void settingATenantsQuotaSendsItAndGetShowsItWithTheRecentRateAndThrottling() throws Exception {
        coordinator.admin.addTenant("acme", 3);

        var set = cli().run("tenant", "set-quota", "acme", "--ops-per-second", "100", "--addr", coordinator.address());

        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).isEqualTo("OK tenant acme quota: 100 ops/s, no bytes/s limit\n");
        assertThat(coordinator.admin.tenants.get("acme").getOpsPerSecond()).isEqualTo(100);
        assertThat(coordinator.admin.tenants.get("acme").getBytesPerSecond()).isZero();

        coordinator.admin.recentOpsPerSecond = 49.5;
        coordinator.admin.recentThrottled = 7;
        var shown = cli().run("tenant", "get", "acme", "-o", "json", "--addr", coordinator.address());
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        JsonNode got = json.readTree(shown.stdout());
        assertThat(got.get("tenant").get("ops_per_second").asLong()).isEqualTo(100);
        assertThat(got.get("recent_ops_per_second").asDouble()).isEqualTo(49.5);
        assertThat(got.get("recent_throttled").asLong()).isEqualTo(7);

        var cleared = cli().run("tenant", "set-quota", "acme", "--addr", coordinator.address());
        assertThat(cleared.stdout()).isEqualTo("OK tenant acme quota: none\n");
        assertThat(coordinator.admin.tenants.get("acme").getOpsPerSecond()).isZero();
    }

    @Test
    void aNegativeOrNonNumericQuotaIsRefusedWithoutCallingTheCoordinator() {
        coordinator.admin.addTenant("acme", 3);

        var negative = cli().run("tenant", "set-quota", "acme", "--bytes-per-second", "-5", "--addr", coordinator.address());
        assertThat(negative.exitCode()).as("bad usage").isEqualTo(1);
        assertThat(negative.stderr()).contains("--bytes-per-second must be 0 (no limit) or more, not -5");

        var words = cli().run("tenant", "set-quota", "acme", "--ops-per-second", "lots", "--addr", coordinator.address());
        assertThat(words.exitCode()).as("bad usage").isEqualTo(1);
        assertThat(words.stderr()).contains("--ops-per-second").doesNotContain("Exception");
        assertThat(coordinator.admin.tenants.get("acme").getVersion()).as("not changed").isEqualTo(1);
    }
}
