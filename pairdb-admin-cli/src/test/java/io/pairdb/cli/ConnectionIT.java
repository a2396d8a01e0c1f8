package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which coordinator the CLI calls, and what a user sees when it cannot get an answer. */
class ConnectionIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.addTenant("acme", 3);
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void callsTheCoordinatorNamedByPairdbAddrWhenNoAddrIsGiven() {
        var result = cli().withVariable("PAIRDB_ADDR", coordinator.address()).run("tenant", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("acme");
    }

    @Test
    void takesTheCommonOptionsBeforeBetweenOrAfterTheSubcommandNames() throws Exception {
        var before = cli().run("--addr", coordinator.address(), "-o", "json", "tenant", "list");
        var between = cli().run("tenant", "--addr", coordinator.address(), "list", "-o", "json");
        var after = cli().run("tenant", "list", "-o", "json", "--addr", coordinator.address());

        for (var result : List.of(before, between, after)) {
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).startsWith("{").contains("\"tenant_id\" : \"acme\"");
        }
    }

    @Test
    void prefersAddrOverPairdbAddr() throws Exception {
        try (Socket nothingListening = boundButNotListening()) {
            var result = cli().withVariable("PAIRDB_ADDR", "127.0.0.1:" + nothingListening.getLocalPort())
                    .run("tenant", "list", "--addr", coordinator.address());

            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
    }

    @Test
    void saysItCannotReachTheCoordinatorAndExitsTwoWhenNothingListens() throws Exception {
        try (Socket nothingListening = boundButNotListening()) {
            String address = "127.0.0.1:" + nothingListening.getLocalPort();

            var result = cli().run("tenant", "list", "--addr", address);

            assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr()).isEqualTo(
                    "error: cannot reach the coordinator at " + address + " (is it running? set --addr or PAIRDB_ADDR)\n");
        }
    }

    @Test
    void rejectsAMalformedPairdbAddrAsALocalError() {
        var result = cli().withVariable("PAIRDB_ADDR", "coordinator-without-port").run("tenant", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).isEqualTo("error: PAIRDB_ADDR: 'coordinator-without-port' is not host:port\n");
    }

    @Test
    void rejectsAMalformedAddrAsAUsageError() {
        var result = cli().run("tenant", "list", "--addr", "localhost:http");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("'localhost:http' is not host:port").contains("Usage: pairdb-admin tenant list");
    }

    /** Names gRPC cannot use (an underscore, common in docker-compose service names) are the user's to fix, on one line. */
    @Test
    void rejectsAHostOrServerNameGrpcCannotUseOnOneLine() {
        var addr = cli().run("tenant", "list", "--addr", "pairdb_coordinator:50051");
        assertThat(addr.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(addr.stderr()).startsWith("error: Invalid value for option '--addr': 'pairdb_coordinator' is not a host name")
                .doesNotContain("java.");

        for (String name : new String[] {"coordinator_1", ""}) {
            var serverName = cli().overTls().run("tenant", "list", "--server-name", name, "--addr", coordinator.address());
            assertThat(serverName.exitCode()).as(serverName.toString()).isEqualTo(ExitCodes.LOCAL_ERROR);
            assertThat(serverName.stderr()).isEqualTo("error: --server-name: '" + name + "' is not a host name (letters,"
                    + " digits, '-' and '.', no '_')\n");
        }
    }

    @Test
    void boundsEachCallByTheDefaultTimeoutOfTenSeconds() {
        cli().run("tenant", "list", "--addr", coordinator.address());

        assertThat(coordinator.admin.lastDeadline).isNotNull();
        assertThat(coordinator.admin.lastDeadline.timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, 10_000L);
    }

    @Test
    void givesUpAfterTheTimeoutWhenTheCoordinatorDoesNotAnswer() {
        coordinator.admin.answerNothing();

        var result = cli().run("tenant", "list", "--timeout", "300ms", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).isEqualTo("error: DEADLINE_EXCEEDED: no answer from the coordinator at "
                + coordinator.address() + " within 300ms (raise --timeout?)\n");
    }

    @Test
    void opensOneConnectionPerInvocationAndClosesItBeforeReturning() throws Exception {
        var result = cli().run("tenant", "get", "acme", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.connectionsAccepted()).isEqualTo(1);
        assertThat(coordinator.awaitAllConnectionsClosed(Duration.ofSeconds(5))).as("connection closed by the CLI").isTrue();
    }

    @Test
    void tlsAgainstAPlaintextCoordinatorFailsOnOneLine() {
        var result = cli().overTls().run("tenant", "list", "--timeout", "5s", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr())
                .startsWith("error: TLS handshake with the coordinator at " + coordinator.address() + " failed: ")
                .endsWith("(does it serve TLS? for a coordinator without TLS add --plaintext)\n")
                .hasLineCount(1);
    }

    /** A port that is taken, so nobody else can listen on it, and refuses connections. */
    private static Socket boundButNotListening() throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }
}
