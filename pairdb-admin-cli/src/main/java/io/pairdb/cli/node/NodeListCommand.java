package io.pairdb.cli.node;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "list", description = "Lists storage nodes with their state, ownership and hints waiting, like nodetool status.")
final class NodeListCommand implements Callable<Integer> {

    private final CommonOptions options;

    NodeListCommand(CommonOptions options) {
        this.options = options;
    }

    /** The JSON document of {@code node list}. */
    record Listed(List<NodeView> nodes, long ringEpoch) {
    }

    @Override
    public Integer call() {
        var response = options.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance());
        List<NodeView> nodes = response.getNodesList().stream().map(NodeView::from).toList();
        return options.print(new Listed(nodes, response.getRingEpoch()), text(nodes, response.getRingEpoch()));
    }

    private static String text(List<NodeView> nodes, long ringEpoch) {
        if (nodes.isEmpty()) {
            return "No storage nodes (ring epoch %d).".formatted(ringEpoch);
        }
        TextTable table = TextTable.withColumns("--", "ID", "ADDRESS", "VNODES", "OWNS", "HINTS", "STATE");
        nodes.forEach(n -> table.row(n.status(), n.nodeId(), n.address(), n.virtualNodes(), n.ownershipText(),
                n.hintsText(), n.state()));
        return "Status=Up/Down\n|/ State=Normal/Joining/Leaving\n" + table.render() + "Ring epoch: " + ringEpoch + "\n";
    }
}
