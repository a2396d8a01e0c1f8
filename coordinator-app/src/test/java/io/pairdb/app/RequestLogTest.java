package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pairdb.adapters.grpc.GrpcErrors;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request log cannot be forged or flooded through the tenant ids and keys clients send. */
class RequestLogTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger requestLog = (Logger) LoggerFactory.getLogger(RequestLog.class);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        lines.start();
        requestLog.addAppender(lines);
        String name = InProcessServerBuilder.generateName();
        // a service that refuses every read quoting the key, as validation errors do
        var service = new CoordinatorServiceGrpc.CoordinatorServiceImplBase() {
            @Override
            public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> response) {
                response.onError(GrpcErrors.invalid("INVALID_KEY", "key '" + request.getKey() + "' is not valid"));
            }
        };
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new RequestLog())).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        requestLog.detachAppender(lines);
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void lineBreaksInTenantAndKeyCannotStartAForgedLine() {
        String forged = "x\r\n12:00:00.000 WARN  Audit admin call by root";
        read(forged, forged);

        ILoggingEvent line = onlyLine();
        assertThat(line.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r").contains("x\\r\\n12:00");
        assertThat(line.getKeyValuePairs()).allSatisfy(kv ->
                assertThat(String.valueOf(kv.value)).doesNotContain("\n").doesNotContain("\r"));
    }

    @Test
    void hugeKeysAreCutInTheLog() {
        String key = "k".repeat(100_000);
        read("acme", key);

        ILoggingEvent line = onlyLine();
        assertThat(line.getFormattedMessage().length()).isLessThan(2_000);
        assertThat(line.getFormattedMessage()).contains("more)");
    }

    @Test
    void aFloodOfFailedCallsIsCutToTheBudgetAndALaterLineSaysHowManyWereLeftOut() {
        for (int i = 0; i < 500; i++) {
            read("acme", "k" + i);
        }
        // 20 a second (the default), in bursts of as many; the calls above take well under a few seconds
        assertThat(lines.list).as("lines written for 500 failed calls").hasSizeLessThan(100);

        // once the budget refills, the next line written says how many were left out before it
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            read("acme", "later");
            return lines.list.stream().anyMatch(l -> l.getFormattedMessage().contains("left out"));
        });
        ILoggingEvent note = lines.list.stream().filter(l -> l.getFormattedMessage().contains("left out")).findFirst()
                .orElseThrow();
        assertThat(note.getKeyValuePairs()).anySatisfy(kv -> {
            assertThat(kv.key).isEqualTo("lines_left_out");
            assertThat(((Number) kv.value).longValue()).isPositive();
        });
    }

    private void read(String tenant, String key) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                CoordinatorServiceGrpc.newBlockingStub(channel).readKeyValue(ReadKeyValueRequest.newBuilder()
                        .setTenantId(tenant).setKey(key).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private ILoggingEvent onlyLine() {
        assertThat(lines.list).hasSize(1);
        return lines.list.getFirst();
    }
}
