package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Dev mode asked for port 0 (any free port, so that several instances can run side by side without
 * choosing ports) tells the ports it got, not 0: the ready line names ports that answer.
 */
class DevModePortsIT {
    private static final Pattern READY = Pattern.compile("gRPC on port (\\d+), management HTTP on port (\\d+)");

    @Test
    void portZeroIsReportedAsThePortsTheServersGot() throws Exception {
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("dev-port-0",
                Map.of("GRPC_SERVER_PORT", "0", "MICRONAUT_SERVER_PORT", "0"), "--dev", "--nodes", "1")) {
            coordinator.awaitLine("PairDB coordinator ready", Duration.ofMinutes(3));
            Matcher ready = coordinator.output().stream().filter(l -> l.contains("PairDB coordinator ready"))
                    .map(READY::matcher).filter(Matcher::find).findFirst().orElseThrow();
            int grpcPort = Integer.parseInt(ready.group(1));
            int httpPort = Integer.parseInt(ready.group(2));
            assertThat(grpcPort).as("the gRPC port it got").isPositive();
            assertThat(httpPort).as("the HTTP port it got").isPositive();
            assertThat(coordinator.printed("localhost:" + grpcPort)).as("the banner names it too").isTrue();

            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
            } finally {
                channel.shutdownNow();
            }
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + httpPort + "/health/liveness"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            }
        }
    }
}
