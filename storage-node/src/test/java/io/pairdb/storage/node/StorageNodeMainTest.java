package io.pairdb.storage.node;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class StorageNodeMainTest {

    private static final Pattern READY_LINE = Pattern.compile("ready on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path temp;

    @Test
    void printsOneReadyLineThenServesUntilAskedToStopAndClosesTheDatabase() throws Exception {
        StorageNodeMain main = new StorageNodeMain();
        StringWriter out = new StringWriter();
        CommandLine commandLine = StorageNodeMain.commandLine(main).setOut(new PrintWriter(out, true));
        Path directory = temp.resolve("data");

        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "--data-dir", directory.toString(), "--node-id", "node-7", "--port", "0", "--min-free-disk", "0"));
        await().atMost(Duration.ofSeconds(30)).until(() -> READY_LINE.matcher(out.toString()).find());

        assertThat(out.toString()).startsWith("pairdb storage node node-7 ready on 127.0.0.1:").contains(directory.toString());
        assertThat(health(readyPort(out)).getNodeId()).isEqualTo("node-7");
        main.requestStop();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
        // closed cleanly: the same directory opens again at once
        DurableStorageNode.builder().dataDirectory(directory).port(0).minFreeDiskBytes(0).start().close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--node-id n1 --port 1                              | Missing required option: '--data-dir=DIR'",
        "--data-dir DIR --port seven                        | Invalid value for option '--port': 'seven' is not an int",
        "--data-dir DIR --port 70000                        | --port must be within 0..65535, not 70000",
        "--data-dir DIR --sync sometimes                    | 'sometimes' is not a sync policy: always, periodic or none",
        "--data-dir DIR --cache-size lots                   | --cache-size: 'lots' is not a size like 512MiB, 2GiB or 1048576",
        "--data-dir DIR --tombstone-gc-grace soon           | 'soon' is not a duration like 10d, 12h, 30m, 45s, 500ms or PT1H",
        "--data-dir DIR --sync-interval 0s                  | --sync-interval and --tombstone-sweep-interval must be positive",
        "--data-dir DIR --bogus                             | Unknown option: '--bogus'"})
    void answersABadSettingWithOneLineAndExitCode2(String arguments, String message) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = StorageNodeMain.commandLine(new StorageNodeMain()).setErr(new PrintWriter(err, true));

        int exitCode = commandLine.execute(arguments.trim().replace("DIR", temp.resolve("d").toString()).split("\\s+"));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).startsWith("pairdb-storage-node: ").contains(message)
                .doesNotContain("Exception");
        assertThat(temp.resolve("d")).doesNotExist();
    }

    @Test
    void refusesADamagedDataDirectoryWithOneLineAndExitCode1() throws Exception {
        Path directory = temp.resolve("data");
        DurableStorageNode.builder().dataDirectory(directory).nodeId("node-1").port(0).minFreeDiskBytes(0).start().close();
        Files.writeString(directory.resolve("db").resolve("CURRENT"), "garbage\n");
        StringWriter err = new StringWriter();
        CommandLine commandLine = StorageNodeMain.commandLine(new StorageNodeMain()).setErr(new PrintWriter(err, true));

        int exitCode = commandLine.execute("--data-dir", directory.toString(), "--port", "0");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).hasLineCount(1)
                .startsWith("pairdb-storage-node: " + directory + ": the database cannot be opened, it is damaged");
    }

    @Test
    void refusesAForeignDirectoryWithOneLineAndExitCode1() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("elsewhere"));
        Files.writeString(directory.resolve("notes.txt"), "mine");
        StringWriter err = new StringWriter();
        CommandLine commandLine = StorageNodeMain.commandLine(new StorageNodeMain()).setErr(new PrintWriter(err, true));

        int exitCode = commandLine.execute("--data-dir", directory.toString(), "--node-id", "node-1", "--port", "0");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).hasLineCount(1).isEqualTo("pairdb-storage-node: " + directory
                + " is not a PairDB storage node data directory (it holds files but no PAIRDB-NODE manifest); refusing to "
                + "write into it: give a new or empty directory\n");
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
