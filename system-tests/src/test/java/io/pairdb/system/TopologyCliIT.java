package io.pairdb.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pairdb.embedded.FreePorts;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Topology changes driven by the built {@code pairdb-admin} against a real coordinator: a dry run
 * shows the plan the real change then carries out (same ranges, targets and sources), {@code --watch}
 * ends with the change's outcome and exit code, and the JSON and YAML outputs parse. The tests share
 * one dev cluster of three nodes; each adds the nodes it needs under its own name, so none depends on
 * another having run first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopologyCliIT {
    private static final int KEYS = 300;

    private SystemCluster cluster;
    private AdminCli cli;

    @BeforeAll
    void startCluster() {
        cluster = SystemCluster.startDev(3, SystemCluster.FAST_TOPOLOGY_CHANGES);
        cli = cluster.cli();
        cluster.write("default", "key-", KEYS);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Each stream as {@code (start, end] -> target <- sources}, in plan order. */
    private static List<String> streams(JsonNode streams) {
        List<String> described = new ArrayList<>();
        for (JsonNode s : streams) {
            JsonNode stream = s.has("stream") ? s.get("stream") : s;
            described.add("(" + stream.get("start_exclusive").asText() + ", " + stream.get("end_inclusive").asText()
                    + "] -> " + stream.get("target").asText() + " <- " + stream.get("sources"));
        }
        return described;
    }

    private JsonNode nodes() {
        var list = cli.run("node", "list", "-o", "json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        return list.json().get("nodes");
    }

    private static JsonNode node(JsonNode nodes, String id) {
        for (JsonNode n : nodes) {
            if (n.get("node_id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }

    @Test
    void anAddIsDryRunFirstAndThenStreamsThePlannedRangesAndWatchEndsWithItsOutcome() {
        EmulatorNode n4 = cluster.startEmulator("n4");
        var result = cli.run("node", "add", "n4", "--host", "127.0.0.1", "--port", String.valueOf(n4.port()),
                "--dry-run", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode plan = result.json().get("plan");
        assertThat(plan.get("type").asText()).isEqualTo("ADD_NODE");
        assertThat(plan.get("would_be_refused").asBoolean()).isFalse();
        assertThat(plan.get("streams")).isNotEmpty().allSatisfy(s -> assertThat(s.get("target").asText()).isEqualTo("n4"));
        assertThat(plan.get("ownership")).as("the new node's share is shown")
                .anySatisfy(o -> assertThat(o.get("node_id").asText()).isEqualTo("n4"));
        double owned = 0;
        for (JsonNode o : plan.get("ownership")) {
            owned += o.get("after_percent").asDouble();
            if (o.get("node_id").asText().equals("n4")) {
                assertThat(o.get("before_percent").asDouble()).isZero();
                assertThat(o.get("after_percent").asDouble()).isPositive();
            }
        }
        assertThat(owned).isCloseTo(100.0, org.assertj.core.api.Assertions.within(0.01));
        // the dev nodes answer Health with their key counts: RF 3 over 3 nodes, each holds every key
        assertThat(plan.get("estimated_keys").asLong()).isBetween(1L, (long) KEYS * 3);
        List<String> plannedAdd = streams(plan.get("streams"));

        assertThat(node(nodes(), "n4")).as("nothing was added").isNull();
        var changes = cli.run("change", "list", "-o", "yaml");
        assertThat(changes.exitCode()).as(changes.toString()).isZero();
        assertThat(changes.yaml().get("changes").toString()).as("no change was started").doesNotContain("add-n4-");

        var real = cli.run("node", "add", "n4", "--host", "127.0.0.1", "--port", String.valueOf(n4.port()), "--watch");

        assertThat(real.exitCode()).as(real.toString()).isZero();
        String last = real.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).startsWith("change add-n4-").contains(" COMPLETED: ");
        String changeId = last.split(" ")[1];

        var change = cli.run("change", "get", changeId, "-o", "yaml");
        assertThat(change.exitCode()).as(change.toString()).isZero();
        assertThat(change.yaml().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(streams(change.yaml().get("streams"))).isEqualTo(plannedAdd);
        assertThat(node(nodes(), "n4").get("state").asText()).isEqualTo("NORMAL");
    }

    @Test
    void theRingAndExplainKeyAgreeAndParseAsJsonAndYaml() {
        var ring = cli.run("ring", "--tenant", "default", "-o", "yaml");
        assertThat(ring.exitCode()).as(ring.toString()).isZero();
        JsonNode ranges = ring.yaml().get("ranges");
        assertThat(ring.yaml().get("replication_factor").asInt()).isEqualTo(3);
        // each of the dev cluster's three nodes (and any a test added) owns its virtual nodes' ranges
        assertThat(ranges).hasSizeGreaterThan(3 * 100)
                .allSatisfy(r -> assertThat(r.get("replica_node_ids")).hasSize(3))
                .allSatisfy(r -> assertThat(r.get("pending_node_ids")).isEmpty());

        var explained = cli.run("explain-key", "default", "key-7", "-o", "json");
        assertThat(explained.exitCode()).as(explained.toString()).isZero();
        BigInteger token = new BigInteger(explained.json().get("token").asText());
        JsonNode holding = null;
        for (JsonNode r : ranges) {
            BigInteger start = new BigInteger(r.get("start_exclusive").asText());
            BigInteger end = new BigInteger(r.get("end_inclusive").asText());
            boolean inside = start.compareTo(end) < 0 ? token.compareTo(start) > 0 && token.compareTo(end) <= 0
                    : token.compareTo(start) > 0 || token.compareTo(end) <= 0;
            if (inside) {
                holding = r;
            }
        }
        assertThat(holding).as("a range holds token %s", token).isNotNull();
        assertThat(explained.json().get("replica_node_ids")).isEqualTo(holding.get("replica_node_ids"));
        assertThat(explained.json().get("ring_epoch")).isEqualTo(ring.yaml().get("ring_epoch"));
    }

    @Test
    void aRemovalNeedsYesWithoutATerminalAndDoesWhatItsDryRunShowed() {
        EmulatorNode n5 = cluster.startEmulator("n5");
        var added = cli.run("node", "add", "n5", "--host", "127.0.0.1", "--port", String.valueOf(n5.port()), "--watch");
        assertThat(added.exitCode()).as(added.toString()).isZero();

        var unconfirmed = cli.run("node", "remove", "n5");
        assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(1);
        assertThat(unconfirmed.stderr()).contains("--yes");
        assertThat(node(nodes(), "n5").get("state").asText()).isEqualTo("NORMAL");

        var dryRun = cli.run("node", "remove", "n5", "--dry-run", "-o", "yaml");
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        JsonNode plan = dryRun.yaml().get("plan");
        assertThat(plan.get("type").asText()).isEqualTo("REMOVE_NODE");
        assertThat(plan.get("streams")).isNotEmpty();
        assertThat(node(nodes(), "n5").get("state").asText()).as("still in the ring").isEqualTo("NORMAL");

        var removal = cli.run("node", "remove", "n5", "--yes", "--watch", "-o", "json");
        assertThat(removal.exitCode()).as(removal.toString()).isZero();
        String changeId = removal.json().get("change").get("change_id").asText();
        assertThat(removal.stderr()).contains("change " + changeId + " COMPLETED");

        var change = cli.run("change", "get", changeId, "-o", "json");
        assertThat(streams(change.json().get("streams"))).isEqualTo(streams(plan.get("streams")));
        assertThat(node(nodes(), "n5").get("state").asText()).isEqualTo("LEFT");
    }

    @Test
    void aNodeThatDoesNotAnswerIsRefusedBeforeAnyChangeStarts() {
        int nobodyListens = FreePorts.pick();
        var result = cli.run("node", "add", "ghost", "--host", "127.0.0.1", "--port", String.valueOf(nobodyListens),
                "--watch");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("FAILED_PRECONDITION").contains("NODE_DOWN");
        assertThat(result.stdout()).doesNotContain("change add-ghost-");
        assertThat(nodes().toString()).doesNotContain("ghost");
    }

    @Test
    void watchingACoordinatorThatCannotBeReachedExitsTwo() {
        var result = AdminCli.runAsIs(Duration.ofMinutes(1), "change", "get", "add-n4-e1", "--watch",
                "--addr", "127.0.0.1:" + FreePorts.pick(), "--timeout", "2s");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("cannot reach the coordinator");
    }

    @Test
    void raisingATenantsRfWithWatchEndsWhenItsDataIsCopiedAndLoweringNeedsYes() {
        var created = cli.run("tenant", "create", "wide", "--rf", "2");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        cluster.write("wide", "w-", 100);

        var raised = cli.run("tenant", "set-rf", "wide", "3", "--watch");

        assertThat(raised.exitCode()).as(raised.toString()).isZero();
        String last = raised.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).startsWith("change rf-wide-3-").contains(" COMPLETED: ");
        var tenant = cli.run("tenant", "get", "wide", "-o", "json");
        assertThat(tenant.json().get("tenant").get("replication_factor").asInt()).isEqualTo(3);
        var change = cli.run("change", "get", last.split(" ")[1], "-o", "json");
        assertThat(change.json().get("type").asText()).isEqualTo("CHANGE_RF");
        assertThat(change.json().get("tenant_id").asText()).isEqualTo("wide");
        // the third replica reads each key from a quorum of RF 2's replicas (both): either may lack a quorum write
        assertThat(change.json().get("totals").get("keys").asLong()).as("each key streamed from both current replicas")
                .isEqualTo(200);

        var refused = cli.run("tenant", "set-rf", "wide", "2");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("--yes");
        // lowering is a change too: the kept replicas catch up from the dropped ones before RF 2 applies
        var lowered = cli.run("tenant", "set-rf", "wide", "2", "--yes", "--watch");
        assertThat(lowered.exitCode()).as(lowered.toString()).isZero();
        String lastLowered = lowered.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(lastLowered).startsWith("change rf-wide-2-").contains(" COMPLETED: ");
        var afterLowering = cli.run("tenant", "get", "wide", "-o", "json");
        assertThat(afterLowering.json().get("tenant").get("replication_factor").asInt()).isEqualTo(2);
    }
}
