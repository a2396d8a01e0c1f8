package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With {@code pairdb.security.admin-port} the admin API is on that port only, the data plane on the other only. */
class AdminPortIT {

    @Test
    void adminCallsGoToTheAdminPortAndDataCallsToTheMainOne() {
        int adminPort = FreePorts.pick();
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, Map.of("pairdb.security.admin-port", adminPort));
             SecureChannels channels = new SecureChannels()) {
            ManagedChannel main = channels.plaintext(coordinator.grpcPort);
            ManagedChannel admin = channels.plaintext(adminPort);

            StatusRuntimeException adminOnMain = catchThrowableOfType(StatusRuntimeException.class, () ->
                    AdminServiceGrpc.newBlockingStub(main).withDeadlineAfter(20, TimeUnit.SECONDS)
                            .listTenants(ListTenantsRequest.getDefaultInstance()));
            assertThat(adminOnMain.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(reason(adminOnMain)).isEqualTo("ADMIN_PORT_ONLY");
            assertThat(adminOnMain.getStatus().getDescription()).contains("admin port " + adminPort);

            AdminServiceGrpc.newBlockingStub(admin).withDeadlineAfter(20, TimeUnit.SECONDS).createTenant(
                    CreateTenantRequest.newBuilder().setTenantId("acme").setReplicationFactor(3).build());
            var write = WriteKeyValueRequest.newBuilder().setTenantId("acme").setKey("k")
                    .setValue(ByteString.copyFromUtf8("v")).build();
            assertThat(CoordinatorServiceGrpc.newBlockingStub(main).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .writeKeyValue(write).getSuccess()).isTrue();
            StatusRuntimeException dataOnAdmin = catchThrowableOfType(StatusRuntimeException.class, () ->
                    CoordinatorServiceGrpc.newBlockingStub(admin).withDeadlineAfter(20, TimeUnit.SECONDS).writeKeyValue(write));
            assertThat(reason(dataOnAdmin)).isEqualTo("NOT_ON_ADMIN_PORT");

            for (ManagedChannel channel : new ManagedChannel[] {main, admin}) {
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }
        }
    }

    @Test
    void theAdminPortRefusesMessagesAboveTheConfiguredSizeAsTheMainPortDoes() {
        int adminPort = FreePorts.pick();
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(0, Map.of("pairdb.security.admin-port",
                adminPort, "grpc.server.max-inbound-message-size", 64 * 1024));
             SecureChannels channels = new SecureChannels()) {
            // above the configured 64 KiB, below gRPC's own default of 4 MiB
            var tooLarge = CreateTenantRequest.newBuilder().setTenantId("t".repeat(128 * 1024)).setReplicationFactor(1)
                    .build();
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () ->
                    AdminServiceGrpc.newBlockingStub(channels.plaintext(adminPort)).withDeadlineAfter(20, TimeUnit.SECONDS)
                            .createTenant(tooLarge));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
    }

    @Test
    void aBlankAdminPortSettingMeansNoAdminPort() {
        // an unset chart value or PAIRDB_SECURITY_ADMIN_PORT= is no admin port, as blank TLS settings are no TLS
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(0, Map.of("pairdb.security.admin-port", ""))) {
            assertThat(coordinator.admin().withDeadlineAfter(20, TimeUnit.SECONDS)
                    .listTenants(ListTenantsRequest.getDefaultInstance())).isNotNull();
        }
    }

    @Test
    void anAdminPortThatIsNoPortNumberStopsStartUpNamingTheSetting() {
        RuntimeException failure = catchThrowableOfType(RuntimeException.class, () -> InProcessCoordinator.start(0,
                Map.of("pairdb.security.admin-port", "admin")));
        assertThat(failure).as("start-up failed").isNotNull();
        assertThat(StartupFailure.describe(failure))
                .contains("pairdb.security.admin-port", "must be a port number 1-65535, was 'admin'");
    }
}
