package io.pairdb.cli.node;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "remove", description = {
    "Decommissions a storage node: it becomes LEAVING, its ranges are streamed to the nodes that",
    "replace it, then it is LEFT. Asks for confirmation unless --yes is given."})
final class NodeRemoveCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Parameters(index = "0", paramLabel = "ID", description = "The node to remove.")
    private String nodeId;

    @Option(names = "--force", description = {
        "Remove even if fewer nodes than the largest RF remain; if the node does not answer,",
        "stream its ranges from the surviving replicas instead of from it."})
    private boolean force;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    private boolean yes;

    NodeRemoveCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code node remove}. */
    record Removing(NodeView node, long ringEpoch, ChangeView change) {
    }

    @Override
    public Integer call() {
        if (!yes && !confirmed()) {
            throw CommandFailure.local("not confirmed: storage node " + nodeId + " stays (pass --yes to skip the question)");
        }
        var response = options.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                .setNodeId(nodeId).setForce(force).build());
        NodeView node = NodeView.from(response.getNode());
        ChangeView change = ChangeView.from(response.getChange());
        String text = "COMPLETED".equals(change.status())
                ? "OK node %s removed, state %s (ring epoch %d): nothing to stream; change %s".formatted(
                node.nodeId(), node.state(), response.getRingEpoch(), change.changeId())
                : ("OK node %s is %s (ring epoch %d); change %s streams %d ranges to the nodes that replace it%n"
                + "follow it with: pairdb-admin change get %s").formatted(node.nodeId(), node.state(),
                response.getRingEpoch(), change.changeId(), change.totals().streams(), change.changeId());
        return options.print(new Removing(node, response.getRingEpoch(), change), text);
    }

    private boolean confirmed() {
        host.err().print("Remove storage node " + nodeId + (force ? " (forced)" : "")
                + "? Its ranges move to other nodes. [y/N] ");
        host.err().flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(host.in(), StandardCharsets.UTF_8)).readLine();
            return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            throw CommandFailure.local("could not read the confirmation: " + e.getMessage(), e);
        }
    }
}
