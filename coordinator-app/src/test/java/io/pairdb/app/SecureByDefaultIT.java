package io.pairdb.app;

import static io.pairdb.app.SecureChannels.bearer;
import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import io.pairdb.app.security.SecurityStartup;

/** A coordinator is secure unless its configuration says otherwise, and then it says so at every start. */
class SecureByDefaultIT {

    @Test
    void withNothingConfiguredItRefusesToStartAndSaysWhatToConfigure() {
        RuntimeException failure = catchThrowableOfType(RuntimeException.class, () -> InProcessCoordinator.start(0,
                Map.of("pairdb.security.authentication", "required")));
        assertThat(failure).as("start-up failed").isNotNull();
        assertThat(StartupFailure.describe(failure)).startsWith("invalid configuration pairdb.security:")
                .contains("pairdb.security.bootstrap-token-file", "pairdb.security.authentication=off");
    }

    @Test
    void authenticationOffIsWarnedAboutAndLetsEveryoneIn() {
        var warnings = capture(SecurityStartup.class);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(0, Map.of("pairdb.security.authentication", "off"))) {
            assertThat(coordinator.admin().listTenants(ListTenantsRequest.getDefaultInstance())).isNotNull();
            assertThat(warnings.get()).anySatisfy(l -> assertThat(l).contains("authentication is OFF"));
        }
    }

    @Test
    void healthSaysUpOrDownButNotWhatFailedToAnAnonymousCaller() throws Exception {
        // no storage nodes: the ring check fails, so readiness is DOWN and would name the failing check
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(0, Map.of("pairdb.security.authentication", "off"))) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : java.util.List.of("/health", "/health/readiness")) {
                java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + coordinator.httpPort + path))
                        .timeout(java.time.Duration.ofSeconds(10)).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path).isEqualTo(503);
                com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(answer.body());
                assertThat(body.path("status").asText()).as(path).isEqualTo("DOWN");
                assertThat(body.has("details")).as("%s shows no details: %s", path, answer.body()).isFalse();
            }
        }
    }

    @Test
    void withAKeyButNoTlsCallsNeedTheKeyAndTheMissingTlsIsWarnedAbout() {
        var warnings = capture(SecurityStartup.class);
        try (SecureChannels fx = new SecureChannels()) {
            Path token = fx.tokenFile("token");
            // empty certificate settings (an unset chart value, PAIRDB_SECURITY_TLS_CERT_FILE=) are no certificate
            try (InProcessCoordinator coordinator = InProcessCoordinator.start(0, Map.of(
                    "pairdb.security.authentication", "required", "pairdb.security.bootstrap-token-file", token.toString(),
                    "pairdb.security.tls.cert-file", "", "pairdb.security.tls.key-file", ""))) {
                StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                        () -> coordinator.admin().listTenants(ListTenantsRequest.getDefaultInstance()));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(reason(refused)).isEqualTo("CREDENTIALS_REQUIRED");
                assertThat(bearer(AdminServiceGrpc.newBlockingStub(coordinator.channel), SecureChannels.read(token))
                        .listTenants(ListTenantsRequest.getDefaultInstance())).isNotNull();
                assertThat(warnings.get()).anySatisfy(l -> assertThat(l).contains("TLS is off on the gRPC port"));
            }
        }
    }

    private static Supplier<java.util.List<String>> capture(Class<?> logger) {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(logger)).addAppender(lines);
        return () -> lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
