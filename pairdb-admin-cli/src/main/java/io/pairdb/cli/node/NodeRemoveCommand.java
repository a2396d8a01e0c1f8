package io.pairdb.cli.node;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.Confirmation;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.cli.change.ChangeWatcher;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "remove", description = {
    "Decommissions a storage node: it becomes LEAVING, its ranges are streamed to the nodes that "
    + "replace it, then it is LEFT. Asks for confirmation unless --yes is given; --dry-run only shows the plan."})
final class NodeRemoveCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Parameters(index = "0", paramLabel = "ID", description = "The node to remove.")
    private String nodeId;

    @Option(names = "--force", description = {
        "Remove even if fewer nodes than the largest RF remain; if the node does not answer, "
        + "stream its ranges from the surviving replicas instead of from it (if it answers again "
        + "before the streams start, the removal is rolled back: remove it again without --force)."})
    private boolean force;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when stdin is not a terminal).")
    private boolean yes;

    @Option(names = "--dry-run", description = {
        "Print the plan (ownership before and after, ranges and estimated keys/bytes to move, warnings "
        + "such as replicas that would be lost) without changing anything; exits 2 if the coordinator "
        + "would refuse the request."})
    private boolean dryRun;

    @Option(names = {"-w", "--watch"}, description = "Follow the decommission until it ends (see change get --watch).")
    private boolean watch;

    NodeRemoveCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code node remove}. */
    record Removing(NodeView node, long ringEpoch, ChangeView change) {
    }

    @Override
    public Integer call() {
        if (dryRun) {
            var plan = options.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                    .setNodeId(nodeId).setForce(force).setDryRun(true).build());
            return PlanView.print(options, NodeView.from(plan.getNode()), PlanView.from(plan.getPlan()));
        }
        Confirmation.require(host, yes, "remove storage node " + nodeId,
                "Remove storage node " + nodeId + (force ? " (forced)" : "") + "? Its ranges move to other nodes.");
        var response = options.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                .setNodeId(nodeId).setForce(force).build());
        NodeView node = NodeView.from(response.getNode());
        ChangeView change = ChangeView.from(response.getChange());
        String streams = change.totals().streams() == 0
                ? "has nothing to stream; it ends once every coordinator serves its epoch"
                : "streams %d ranges to the nodes that replace it".formatted(change.totals().streams());
        String text = ("OK node %s is %s (ring epoch %d); change %s %s%n"
                + "follow it with: pairdb-admin change get %s").formatted(node.nodeId(), node.state(),
                response.getRingEpoch(), change.changeId(), streams, change.changeId());
        return ChangeWatcher.printAndWatch(options, host, watch, new Removing(node, response.getRingEpoch(), change), text,
                change);
    }
}
