package io.pairdb.cli.node;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.cli.change.ChangeView;
import io.pairdb.cli.change.ChangeWatcher;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "add", description = {
    "Adds a storage node: it joins BOOTSTRAPPING, receives the ranges it will replicate, then becomes NORMAL. "
    + "Prints the id of the change that streams them (see change get)."})
final class NodeAddCommand implements Callable<Integer> {

    /** What the wire sends for "let the server choose". */
    private static final int SERVER_DEFAULT_VNODES = 0;

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The node's id; it places the node's vnodes on the ring.")
    private String nodeId;

    @Option(names = "--host", required = true, paramLabel = "HOST", description = "Where the coordinator reaches the node.")
    private String host;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "The node's gRPC port.")
    private int port;

    @Option(names = "--vnodes", paramLabel = "N", description = "Virtual nodes on the ring (default: the server's, 150).")
    private Integer virtualNodes;

    @Option(names = "--dry-run", description = {
        "Print the plan (ownership before and after, ranges and estimated keys/bytes to move, warnings) "
        + "without changing anything; exits 2 if the coordinator would refuse the request."})
    private boolean dryRun;

    @Option(names = {"-w", "--watch"}, description = "Follow the bootstrap until it ends (see change get --watch).")
    private boolean watch;

    @Option(names = "--allow-existing-data", description = {
        "Add the node even though it already holds entries (refused otherwise, NODE_HOLDS_DATA): only when its "
        + "data may join, since versions whose tombstones were purged on the other nodes would bring deleted keys back."})
    private boolean allowExistingData;

    /** The process's streams (the field {@code host} is the node's). */
    private final Host process;

    NodeAddCommand(CommonOptions options, Host process) {
        this.options = options;
        this.process = process;
    }

    /** The JSON document of {@code node add}. */
    record Added(NodeView node, long ringEpoch, ChangeView change) {
    }

    @Override
    public Integer call() {
        if (port < 1 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 1 and 65535, not " + port);
        }
        if (virtualNodes != null && virtualNodes < 1) {
            throw new ParameterException(spec.commandLine(), "--vnodes must be at least 1, not " + virtualNodes);
        }
        var response = options.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                .setNodeId(nodeId)
                .setHost(host)
                .setPort(port)
                .setVirtualNodes(virtualNodes == null ? SERVER_DEFAULT_VNODES : virtualNodes)
                .setDryRun(dryRun)
                .setAllowExistingData(allowExistingData)
                .build());
        NodeView node = NodeView.from(response.getNode());
        if (dryRun) {
            return PlanView.print(options, node, PlanView.from(response.getPlan()));
        }
        ChangeView change = ChangeView.from(response.getChange());
        String text = "OK node %s added at %s with %d vnodes, state %s (ring epoch %d)".formatted(
                node.nodeId(), node.address(), node.virtualNodes(), node.state(), response.getRingEpoch());
        if (!change.changeId().isEmpty()) {
            String streams = change.totals().streams() == 0
                    ? "has nothing to stream; it ends once every coordinator serves its epoch"
                    : "streams %d ranges to it".formatted(change.totals().streams());
            text += "IN_PROGRESS".equals(change.status())
                    ? "%nchange %s %s; follow it with: pairdb-admin change get %s".formatted(
                    change.changeId(), streams, change.changeId())
                    : "%nchange %s %s: nothing to stream".formatted(change.changeId(), change.status());
        }
        return ChangeWatcher.printAndWatch(options, process, watch, new Added(node, response.getRingEpoch(), change),
                text, change);
    }
}
