package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pairdb.cli.ExitCodes;
import io.pairdb.proto.storage.v1.Version;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench against the baseline proxy, in front of three in-test storage nodes. */
class BaselineProxyIT {

    private static final int OPS = 300;
    // Every run ends after its few hundred requests; the duration only bounds a run that hangs. Generous: on a
    // starved machine 300 requests took longer than 5 s, and a run cut short measures fewer than the tests count.
    private static final String[] SHORT = {"--duration", "60s", "--warmup", "0s", "--no-progress", "-o", "json"};

    private final List<FakeStorageNode> nodes = new java.util.ArrayList<>();
    private BaselineProxy proxy;

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes.add(FakeStorageNode.start());
        }
        proxy = BaselineProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                nodes.stream().map(FakeStorageNode::address).toList());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        for (FakeStorageNode node : nodes) {
            node.close();
        }
    }

    @Test
    void writesReachEveryNodeAfterOneRead() {
        var result = bench("write", "--keys", "100");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode report = result.json();
        assertThat(report.get("ops").asLong()).isEqualTo(300);
        assertThat(report.get("ops_per_second").asDouble()).isPositive();
        assertThat(report.get("errors").asLong()).isZero();
        // the answer comes at 2 of 3; the third write is not cancelled by it
        assertThat(nodes.stream().mapToLong(n -> n.reads.sum()).sum()).isEqualTo(300);
        assertThat(nodes).allSatisfy(node -> assertThat(node.writes.sum()).isEqualTo(300));
    }

    @Test
    void aWriteFollowsTheVersionItRead() {
        var result = bench("write", 20, "--keys", "1", "--concurrency", "1");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Version stored = nodes.getFirst().versions.get("bench/key-0");
        assertThat(stored.getVectorClock().getEntriesList()).singleElement()
                .satisfies(entry -> assertThat(entry.getCoordinatorNodeId()).isEqualTo(BaselineProxy.NODE_ID));
        assertThat(nodes).allSatisfy(node -> assertThat(node.versions.get("bench/key-0")).isEqualTo(stored));
    }

    @Test
    void readsFindThePreloadedValues() {
        var result = bench("read", "--keys", "50");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.json().get("ops").asLong()).isEqualTo(300);
        assertThat(result.json().get("preloaded").asLong()).isEqualTo(50);
        // every read reads every node; each preload write read one
        assertThat(nodes.stream().mapToLong(n -> n.reads.sum()).sum()).isEqualTo(3 * 300 + 50);
    }

    @Test
    void writesWithCausalContextSkipTheRead() {
        var result = bench("write", "--keys", "20", "--causal-context", "on");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        // only the preload's first write of each key reads
        assertThat(nodes.stream().mapToLong(n -> n.reads.sum()).sum()).isEqualTo(20);
    }

    @Test
    void oneNodeDownStillAnswersAtQuorum() {
        nodes.get(2).fail();

        var result = bench("mixed", "--keys", "50", "--causal-context", "on");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.json().get("errors").asLong()).isZero();
    }

    @Test
    void twoNodesDownAreReportedAsUnavailable() {
        nodes.get(1).fail();
        nodes.get(2).fail();

        var result = bench("write", "--keys", "50", "--causal-context", "on", "--preload", "off");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.SERVER_ERROR);
        JsonNode report = result.json();
        assertThat(report.get("ops").asLong()).isZero();
        assertThat(report.get("errors_by_status").get("UNAVAILABLE").asLong()).isEqualTo(300);
        assertThat(result.stderr()).contains("error: 300 of 300 measured requests failed");
    }

    private BenchCli.Result bench(String workload, String... options) {
        return bench(workload, OPS, options);
    }

    private BenchCli.Result bench(String workload, int ops, String... options) {
        var args = new java.util.ArrayList<String>(List.of("bench", workload, "--addr", "127.0.0.1:" + proxy.port(),
                "--ops", Integer.toString(ops)));
        args.addAll(List.of(options));
        args.addAll(List.of(SHORT));
        return BenchCli.run(args.toArray(String[]::new));
    }
}
