package io.pairdb.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class EmulatorMainTest {

    private static final Pattern READY_LINE = Pattern.compile("ready on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void printsOneReadyLineWithThePortThenServesUntilAskedToStop() throws Exception {
        EmulatorMain main = new EmulatorMain();
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(main).setOut(new PrintWriter(out, true));

        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(
                () -> commandLine.execute("--port", "0", "--node-id", "node-7", "--tombstone-gc-grace", "2h"));
        await().atMost(Duration.ofSeconds(30)).until(() -> READY_LINE.matcher(out.toString()).find());

        assertThat(out.toString()).hasLineCount(1).startsWith("pairdb storage emulator node-7 ready on 127.0.0.1:");
        assertThat(health(readyPort(out)).getNodeId()).isEqualTo("node-7");

        main.requestStop();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void namesTheNodeAfterItsPortByDefault() throws Exception {
        EmulatorMain main = new EmulatorMain();
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(main).setOut(new PrintWriter(out, true));

        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> commandLine.execute("--port", "0"));
        await().atMost(Duration.ofSeconds(30)).until(() -> READY_LINE.matcher(out.toString()).find());
        int port = readyPort(out);

        assertThat(out.toString()).contains("emulator-" + port + " ready");
        assertThat(health(port).getNodeId()).isEqualTo("emulator-" + port);

        main.requestStop();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--port seven",
        "--port 70000",
        "--port 0 --tombstone-gc-grace soon",
        "--port 0 --unknown-option",
        "--node-id no-port-given"})
    void printsTheUsageAndExitsWith2OnBadArguments(String arguments) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new EmulatorMain()).setErr(new PrintWriter(err, true));

        int exitCode = commandLine.execute(arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: pairdb-storage-emulator").doesNotContain("Exception", "\tat ");
    }

    @Test
    void exitsWith1AndSaysWhyWhenThePortIsTaken() throws Exception {
        try (StorageNodeEmulator occupant = StorageNodeEmulator.start("occupant", 0)) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = new CommandLine(new EmulatorMain()).setErr(new PrintWriter(err, true));

            int exitCode = commandLine.execute("--port", String.valueOf(occupant.port()));

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).startsWith("cannot listen on 127.0.0.1:" + occupant.port());
        }
    }

    @ParameterizedTest
    @CsvSource({"10d, PT240H", "12h, PT12H", "30m, PT30M", "45s, PT45S", "500ms, PT0.5S", "PT1H, PT1H"})
    void readsTheTombstoneGcGraceInShortOrIsoForm(String text, String expected) {
        assertThat(new io.pairdb.storage.server.DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
    }

    private static int readyPort(StringWriter out) {
        Matcher matcher = READY_LINE.matcher(out.toString());
        assertThat(matcher.find()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static HealthResponse health(int port) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
        try {
            return StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .health(HealthRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }
}
