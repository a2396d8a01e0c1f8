package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class ServerErrorsTest {

    private static final Optional<Endpoint> ENDPOINT =
            Optional.of(new Endpoint(new CoordinatorAddress("coord.example", 50051), new Transport.Plaintext(), Optional.empty(),
                    Duration.ofSeconds(10)));

    @Test
    void showsTheCodeTheDescriptionAndTheErrorInfoReason() {
        var error = ServerError.withReason(Status.Code.NOT_FOUND, "tenant 'acme' does not exist", "TENANT_NOT_FOUND");

        assertThat(ServerErrors.describe(error, ENDPOINT)).isEqualTo("NOT_FOUND: tenant 'acme' does not exist (TENANT_NOT_FOUND)");
    }

    @Test
    void leavesTheReasonOutWhenTheServerSentNone() {
        var error = Status.INVALID_ARGUMENT.withDescription("key must not be empty").asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT)).isEqualTo("INVALID_ARGUMENT: key must not be empty");
    }

    @Test
    void keepsAMultiLineDescriptionOnOneLine() {
        var error = Status.INTERNAL.withDescription("first\n  second\r\nthird").asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT)).isEqualTo("INTERNAL: first second third");
    }

    @Test
    void showsTheBareCodeWhenThereIsNoDescription() {
        assertThat(ServerErrors.describe(Status.PERMISSION_DENIED.asRuntimeException(), ENDPOINT)).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void aRefusedConnectionBecomesAHintAboutTheAddress() {
        var error = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused")).asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT))
                .isEqualTo("cannot reach the coordinator at coord.example:50051 (is it running? set --addr or PAIRDB_ADDR)");
    }

    @Test
    void aConnectionClosedWithoutAnswerHintsAtTlsOnlyWhenTheCliSpokePlaintext() {
        var error = Status.UNAVAILABLE.withDescription("Network closed for unknown reason").asRuntimeException();
        var overTls = Optional.of(new Endpoint(new CoordinatorAddress("coord.example", 50051),
                new Transport.Tls(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), Optional.empty(),
                Duration.ofSeconds(10)));

        assertThat(ServerErrors.describe(error, ENDPOINT)).contains("does it serve TLS? then drop --plaintext");
        assertThat(ServerErrors.describe(error, overTls)).isEqualTo("UNAVAILABLE: Network closed for unknown reason");
    }

    @Test
    void anUnknownHostIsNamedAsSuch() {
        var error = Status.UNAVAILABLE.withDescription("Unable to resolve host coord.example")
                .withCause(new RuntimeException(new UnknownHostException("coord.example"))).asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT))
                .isEqualTo("cannot reach the coordinator at coord.example:50051: unknown host (set --addr or PAIRDB_ADDR)");
    }

    @Test
    void anUnavailableAnswerFromTheCoordinatorIsNotMistakenForAnUnreachableOne() {
        var error = ServerError.withReason(Status.Code.UNAVAILABLE, "not enough live replicas", "QUORUM_NOT_REACHED");

        assertThat(ServerErrors.describe(error, ENDPOINT)).isEqualTo("UNAVAILABLE: not enough live replicas (QUORUM_NOT_REACHED)");
    }

    @Test
    void aClientDeadlineNamesTheTimeoutInsteadOfChannelInternals() {
        var error = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 9.99s. [closed=[], open=[[buffered_nanos=1]]]")
                .asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT))
                .isEqualTo("DEADLINE_EXCEEDED: no answer from the coordinator at coord.example:50051 within 10s (raise --timeout?)");
    }

    @Test
    void aFailedTlsHandshakeSaysSoWithoutTheHexDump() {
        var error = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new SSLException("not an SSL/TLS record: 00001204000000000000037fffffff")).asRuntimeException();

        assertThat(ServerErrors.describe(error, ENDPOINT)).isEqualTo("TLS handshake with the coordinator at coord.example:50051 failed: "
                + "not an SSL/TLS record (does it serve TLS? for a coordinator without TLS add --plaintext)");
    }

    @Test
    void theRetryDelayIsReadFromTheRetryInfoBesideTheReason() {
        var shed = ServerError.retryAfter(Status.Code.RESOURCE_EXHAUSTED, "OVERLOADED", 1, 250_000_000);

        assertThat(ServerErrors.retryDelay(shed)).contains(Duration.ofMillis(1_250));
        assertThat(ServerErrors.describe(shed, ENDPOINT)).isEqualTo("RESOURCE_EXHAUSTED: try later (OVERLOADED)");
    }

    @Test
    void anErrorWithoutARetryInfoOrWithANegativeDelayHasNoRetryDelay() {
        assertThat(ServerErrors.retryDelay(ServerError.withReason(Status.Code.NOT_FOUND, "no such tenant", "TENANT_NOT_FOUND")))
                .isEmpty();
        assertThat(ServerErrors.retryDelay(Status.UNAVAILABLE.asRuntimeException())).isEmpty();
        assertThat(ServerErrors.retryDelay(ServerError.retryAfter(Status.Code.ABORTED, "REQUEST_IN_PROGRESS", -1, 0)))
                .isEmpty();
    }
}
