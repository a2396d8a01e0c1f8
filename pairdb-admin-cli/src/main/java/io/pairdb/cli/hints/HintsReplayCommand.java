package io.pairdb.cli.hints;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.proto.admin.v1.ReplayEnding;
import io.pairdb.proto.admin.v1.ReplayHintsRequest;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Prototype
@Command(name = "replay", description = {
    "Replays a node's hints now and prints what was delivered, dropped and left. "
    + "Waits for the run to end (batches are paced; raise --timeout for a large backlog)."})
final class HintsReplayCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Option(names = "--node", required = true, paramLabel = "ID", description = "The storage node whose hints to replay.")
    private String nodeId;

    HintsReplayCommand(CommonOptions options) {
        this.options = options;
    }

    /**
     * The JSON document of {@code hints replay}.
     *
     * @param ending why the run stopped: drained, node_down, node_unknown, delivery_failed, store_unavailable or no_replica
     * @param remaining hints still waiting for the node; null if the coordinator could not tell
     */
    record Replayed(String nodeId, String ending, long delivered, long failedDeliveries, Dropped dropped, Long remaining) {
    }

    @Override
    public Integer call() {
        var response = options.admin().replayHints(ReplayHintsRequest.newBuilder().setNodeId(nodeId).build());
        Replayed replayed = new Replayed(response.getNodeId(), ending(response.getEnding()), response.getDelivered(),
                response.getFailedDeliveries(), Dropped.from(response.getDropped()),
                response.hasRemaining() ? response.getRemaining() : null);
        String text = "%s hints for node %s: delivered %d, failed %d, dropped %s, left %s (%s)".formatted(
                response.getEnding() == ReplayEnding.REPLAY_ENDING_DRAINED ? "OK" : "STOPPED", replayed.nodeId(),
                replayed.delivered(), replayed.failedDeliveries(), replayed.dropped().text(),
                replayed.remaining() == null ? "unknown" : replayed.remaining(), explanation(response.getEnding()));
        int printed = options.print(replayed, text);
        // hints left behind are something the caller (a script, a runbook step) must see
        return response.getEnding() == ReplayEnding.REPLAY_ENDING_DRAINED ? printed : ExitCodes.SERVER_ERROR;
    }

    private static String ending(ReplayEnding ending) {
        return switch (ending) {
            case REPLAY_ENDING_UNSPECIFIED, UNRECOGNIZED -> "unknown";
            default -> ending.name().substring("REPLAY_ENDING_".length()).toLowerCase(Locale.ROOT);
        };
    }

    private static String explanation(ReplayEnding ending) {
        return switch (ending) {
            case REPLAY_ENDING_DRAINED -> "nothing left to replay";
            case REPLAY_ENDING_NODE_DOWN -> "the node went DOWN; its hints are replayed when it is UP again";
            case REPLAY_ENDING_NODE_UNKNOWN -> "the node left the coordinator's ring";
            case REPLAY_ENDING_DELIVERY_FAILED ->
                    "a delivery failed; it counts as an attempt (unless the node's disk is full) and is retried later";
            case REPLAY_ENDING_STORE_UNAVAILABLE -> "the hint store could not be reached";
            case REPLAY_ENDING_NO_REPLICA -> "the node left the ring and no replica can take some of its hints now "
                    + "(all DOWN, or fewer nodes than the RF); they wait until one can or their TTL";
            case REPLAY_ENDING_UNSPECIFIED, UNRECOGNIZED -> "the coordinator did not say why it stopped";
        };
    }
}
