package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvCommandsIT {

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
    void putSaysWhereTheValueWasWritten() {
        var result = cli().run("kv", "put", "acme", "user:1", "hello", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("OK acme/user:1 written to 3 replicas at quorum (clock coord-1:1)\n");
        assertThat(coordinator.dataPlane.lastWrite.getValue().toStringUtf8()).isEqualTo("hello");
        assertThat(coordinator.dataPlane.lastWrite.getConsistency()).as("empty asks for the server default").isEmpty();
    }

    @Test
    void putSendsTheConsistencyAndIdempotencyKeyAsked() {
        var result = cli().run("kv", "put", "acme", "user:1", "hello", "--consistency", "ALL", "--idempotency-key", "k-1",
                "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.dataPlane.lastWrite.getConsistency()).isEqualTo("all");
        assertThat(coordinator.dataPlane.lastWrite.getIdempotencyKey()).isEqualTo("k-1");
        assertThat(result.stdout()).contains("at all");
    }

    @Test
    void putTellsARetryFromAFirstWrite() {
        cli().run("kv", "put", "acme", "user:1", "hello", "--idempotency-key", "k-1", "--addr", coordinator.address());

        var retry = cli().run("kv", "put", "acme", "user:1", "hello", "--idempotency-key", "k-1", "--addr", coordinator.address());

        assertThat(retry.exitCode()).isZero();
        assertThat(retry.stdout()).isEqualTo(
                "OK acme/user:1 was already written with idempotency key k-1: 3 replicas at quorum (clock coord-1:1)\n");
    }

    @Test
    void putAsJsonCarriesTheClockAndTheDuplicateFlag() throws Exception {
        var result = cli().run("kv", "put", "acme", "user:1", "hello", "-o", "json", "--addr", coordinator.address());

        JsonNode written = json.readTree(result.stdout());
        assertThat(written.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(written.get("replica_count").asInt()).isEqualTo(3);
        assertThat(written.get("is_duplicate").asBoolean()).isFalse();
        assertThat(written.get("vector_clock").get(0).get("coordinator_node_id").asText()).isEqualTo("coord-1");
        assertThat(written.get("vector_clock").get(0).get("logical_timestamp").asLong()).isEqualTo(1);
        assertThat(written.get("idempotency_key").asText()).isNotEmpty();
    }

    @Test
    void putReadsTheValueFromStandardInputForADash() {
        byte[] binary = {0, (byte) 0xff, 42};

        var result = cli().withStdin(binary).run("kv", "put", "acme", "blob", "-", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.dataPlane.lastWrite.getValue().toByteArray()).isEqualTo(binary);
    }

    @Test
    void putReadsTheValueFromAFile(@TempDir Path directory) throws Exception {
        Path file = Files.write(directory.resolve("value.json"), "{\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8));

        var result = cli().run("kv", "put", "acme", "user:1", "--value-file", file.toString(), "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.dataPlane.lastWrite.getValue().toStringUtf8()).isEqualTo("{\"name\":\"Ada\"}");
    }

    @Test
    void putFailsLocallyWhenTheValueFileIsMissing(@TempDir Path directory) {
        Path missing = directory.resolve("nope");

        var result = cli().run("kv", "put", "acme", "user:1", "--value-file", missing.toString(), "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).isEqualTo("error: cannot read --value-file " + missing + ": no such file\n");
        assertThat(coordinator.dataPlane.lastWrite).isNull();
    }

    @Test
    void putRefusesAValueGivenTwice(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("value"), "x");

        var result = cli().run("kv", "put", "acme", "user:1", "hello", "--value-file", file.toString(), "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: give the value either as VALUE or with --value-file FILE\n");
    }

    @Test
    void putReportsAQuorumFailureWithItsReasonNotAsUnreachable() {
        coordinator.dataPlane.failNextWith(ServerError.withReason(Status.Code.UNAVAILABLE,
                "2 of 3 replicas are down; quorum needs 2 live replicas", "QUORUM_NOT_REACHED"));

        var result = cli().run("kv", "put", "acme", "user:1", "hello", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).isEqualTo(
                "error: UNAVAILABLE: 2 of 3 replicas are down; quorum needs 2 live replicas (QUORUM_NOT_REACHED)\n");
    }

    @Test
    void getShowsTheValueWithItsClockAndTimestamp() {
        coordinator.dataPlane.store("acme", "user:1", "hello".getBytes(StandardCharsets.UTF_8));

        var result = cli().run("kv", "get", "acme", "user:1", "--consistency", "one", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.dataPlane.lastRead.getConsistency()).isEqualTo("one");
        assertThat(result.stdout()).isEqualTo("""
                TENANT     acme
                KEY        user:1
                VALUE      hello
                CLOCK      coord-1:1
                TIMESTAMP  2025-01-01T00:00:00Z (1735689600123 ms)
                REPLICAS   2 at one
                """);
    }

    @Test
    void getAsJsonHasTheValueAsTextAndAsBase64() throws Exception {
        coordinator.dataPlane.store("acme", "user:1", "héllo".getBytes(StandardCharsets.UTF_8));

        var result = cli().run("kv", "get", "acme", "user:1", "-o", "json", "--addr", coordinator.address());

        JsonNode read = json.readTree(result.stdout());
        assertThat(read.get("value").asText()).isEqualTo("héllo");
        assertThat(Base64.getDecoder().decode(read.get("value_base64").asText())).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(read.get("timestamp_ms").asLong()).isEqualTo(FakeDataPlane.TIMESTAMP_MS);
        assertThat(read.get("timestamp").asText()).isEqualTo("2025-01-01T00:00:00.123Z");
        assertThat(read.get("vector_clock").get(0).get("logical_timestamp").asLong()).isEqualTo(1);
    }

    @Test
    void getRawWritesTheStoredBytesAndNothingElse() {
        byte[] binary = {0, (byte) 0xff, 42};
        coordinator.dataPlane.store("acme", "blob", binary);

        var result = cli().run("kv", "get", "acme", "blob", "--raw", "--addr", coordinator.address());

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutBytes()).isEqualTo(binary);
    }

    @Test
    void getDoesNotPrintABinaryValueAsText() throws Exception {
        coordinator.dataPlane.store("acme", "blob", new byte[] {0, (byte) 0xff, 42});

        var table = cli().run("kv", "get", "acme", "blob", "--addr", coordinator.address());
        var document = cli().run("kv", "get", "acme", "blob", "-o", "json", "--addr", coordinator.address());

        assertThat(table.stdout()).contains("VALUE      (3 bytes, not UTF-8: use --raw or -o json)");
        assertThat(json.readTree(document.stdout()).get("value").isNull()).isTrue();
    }

    @Test
    void getReportsAMissingKeyWithTheServersReason() {
        var result = cli().run("kv", "get", "acme", "nope", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).isEqualTo("error: NOT_FOUND: key 'nope' not found in tenant 'acme' (KEY_NOT_FOUND)\n");
    }

    @Test
    void deleteWithoutYesAndNoTerminalDeletesNothing() {
        coordinator.dataPlane.store("acme", "user:1", "hello".getBytes(StandardCharsets.UTF_8));

        var result = cli().run("kv", "delete", "acme", "user:1", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("add --yes");
        assertThat(coordinator.dataPlane.lastDelete).isNull();
    }

    @Test
    void deleteSaysWhereTheTombstoneWasWritten() {
        coordinator.dataPlane.store("acme", "user:1", "hello".getBytes(StandardCharsets.UTF_8));

        var result = cli().run("kv", "delete", "acme", "user:1", "--consistency", "quorum", "--idempotency-key", "d-1",
                "--yes", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("OK acme/user:1 deleted on 3 replicas at quorum (clock coord-1:2)\n");
        assertThat(coordinator.dataPlane.lastDelete.getIdempotencyKey()).isEqualTo("d-1");
        assertThat(cli().run("kv", "get", "acme", "user:1", "--addr", coordinator.address()).exitCode())
                .isEqualTo(ExitCodes.SERVER_ERROR);
    }

    @Test
    void deleteTellsARetryFromAFirstDelete() {
        cli().run("kv", "delete", "acme", "user:1", "--idempotency-key", "d-1", "--yes", "--addr", coordinator.address());

        var retry = cli().run("kv", "delete", "acme", "user:1", "--idempotency-key", "d-1", "--yes",
                "--addr", coordinator.address());

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.stdout()).isEqualTo(
                "OK acme/user:1 was already deleted with idempotency key d-1: 3 replicas at quorum (clock coord-1:1)\n");
    }

    @Test
    void deleteAsJsonIsTheDocumentOfAPutWithTheTombstonesClock() throws Exception {
        JsonNode written = json.readTree(cli().run("kv", "put", "acme", "user:1", "hello", "-o", "json",
                "--addr", coordinator.address()).stdout());

        var result = cli().run("kv", "delete", "acme", "user:1", "--idempotency-key", "d-1", "--yes", "-o", "json",
                "--addr", coordinator.address());

        JsonNode deleted = json.readTree(result.stdout());
        assertThat(deleted.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyElementsOf(written.properties().stream().map(java.util.Map.Entry::getKey).toList());
        assertThat(deleted.get("idempotency_key").asText()).isEqualTo("d-1");
        assertThat(deleted.get("is_duplicate").asBoolean()).isFalse();
        assertThat(deleted.get("vector_clock").get(0).get("logical_timestamp").asLong()).isEqualTo(2);
    }
}
