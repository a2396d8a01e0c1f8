package io.pairdb.cli.ring;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "explain-key", description = "Shows where a key lives: its token, replicas and pending replicas.")
public final class ExplainKeyCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant the key belongs to.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    private String key;

    public ExplainKeyCommand(CommonOptions options) {
        this.options = options;
    }

    /**
     * The JSON document of {@code explain-key}.
     *
     * @param token the unsigned 64-bit ring position in decimal; a string because JSON
     *     readers such as jq lose precision on integers above 2^53
     */
    record Explained(
            String tenantId,
            String key,
            String token,
            int replicationFactor,
            List<String> replicaNodeIds,
            List<String> pendingNodeIds,
            long ringEpoch) {
    }

    @Override
    public Integer call() {
        var response = options.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(tenantId).setKey(key).build());
        var explained = new Explained(tenantId, key, Long.toUnsignedString(response.getToken()), response.getReplicationFactor(),
                List.copyOf(response.getReplicaNodeIdsList()), List.copyOf(response.getPendingNodeIdsList()), response.getRingEpoch());
        return options.print(explained, TextTable.fields(
                "TENANT", explained.tenantId(),
                "KEY", explained.key(),
                "TOKEN", explained.token(),
                "RF", explained.replicationFactor(),
                "REPLICAS", names(explained.replicaNodeIds()),
                "PENDING", names(explained.pendingNodeIds()),
                "RING EPOCH", explained.ringEpoch()));
    }

    private static String names(List<String> nodeIds) {
        return nodeIds.isEmpty() ? "none" : String.join(", ", nodeIds);
    }
}
