package io.pairdb.adapters.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.gateway.GetMigrationStatusRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original gateway's proto.CoordinatorService is held to what its v1 counterparts are (README). */
class GatewayCallRulesTest {
    private static final String GATEWAY = io.pairdb.proto.gateway.CoordinatorServiceGrpc.SERVICE_NAME + "/";

    @Test
    void everyGatewayCallNeedsWhatItsCounterpartNeedsAndIsAuditedAlike() {
        CallPermissions permissions = CallPermissions.standard();
        Map<String, String> counterparts = Map.of(
                "WriteKeyValue", CoordinatorServiceGrpc.getWriteKeyValueMethod().getFullMethodName(),
                "ReadKeyValue", CoordinatorServiceGrpc.getReadKeyValueMethod().getFullMethodName(),
                "CreateTenant", AdminServiceGrpc.getCreateTenantMethod().getFullMethodName(),
                "GetTenant", AdminServiceGrpc.getGetTenantMethod().getFullMethodName(),
                "UpdateReplicationFactor", AdminServiceGrpc.getUpdateReplicationFactorMethod().getFullMethodName(),
                "AddStorageNode", AdminServiceGrpc.getAddStorageNodeMethod().getFullMethodName(),
                "RemoveStorageNode", AdminServiceGrpc.getRemoveStorageNodeMethod().getFullMethodName(),
                "GetMigrationStatus", AdminServiceGrpc.getGetChangeMethod().getFullMethodName(),
                "ListStorageNodes", AdminServiceGrpc.getListStorageNodesMethod().getFullMethodName());

        assertThat(permissions.methods()).filteredOn(m -> m.startsWith(GATEWAY))
                .map(m -> m.substring(GATEWAY.length())).containsExactlyInAnyOrderElementsOf(counterparts.keySet());
        counterparts.forEach((gateway, v1) -> assertThat(permissions.ruleFor(GATEWAY + gateway)).as(gateway)
                .isPresent().isEqualTo(permissions.ruleFor(v1)));
    }

    @Test
    void theAuditLogNamesTheChangeAGatewayMigrationStatusCallAsksAbout() {
        assertThat(AuditLog.target(GetMigrationStatusRequest.newBuilder().setMigrationId("add-node-4-e5").build()))
                .isEqualTo("add-node-4-e5");
    }
}
