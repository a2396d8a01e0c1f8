package io.pairdb.cli.ring;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.proto.admin.v1.DescribeRingRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "ring", description = {
    "Shows the token ranges of the ring with their replicas and pending replicas, like nodetool describering, "
    + "for a tenant's replication factor (--tenant), a given one (--rf), or by default the largest any tenant has."})
public final class RingCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    static final class Factor {
        @Option(names = "--tenant", paramLabel = "TENANT", description = "Use this tenant's replication factor.")
        String tenantId;

        @Option(names = "--rf", paramLabel = "N", description = "Use this replication factor.")
        Integer replicationFactor;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Factor factor;

    public RingCommand(CommonOptions options) {
        this.options = options;
    }

    /**
     * The JSON document of {@code ring}.
     *
     * @param largestInUse the replication factor is the largest any tenant has (neither --tenant nor --rf given)
     * @param ranges in token order; tokens as unsigned decimal strings (jq loses precision above 2^53)
     */
    record Described(long ringEpoch, int replicationFactor, boolean largestInUse, List<Range> ranges) {
    }

    record Range(String startExclusive, String endInclusive, List<String> replicaNodeIds, List<String> pendingNodeIds) {
    }

    @Override
    public Integer call() {
        var request = DescribeRingRequest.newBuilder();
        if (factor != null && factor.tenantId != null) {
            request.setTenantId(factor.tenantId);
        } else if (factor != null) {
            if (factor.replicationFactor < 1) {
                throw new ParameterException(spec.commandLine(), "--rf must be at least 1, not " + factor.replicationFactor);
            }
            request.setReplicationFactor(factor.replicationFactor);
        }
        // neither: the coordinator picks the largest replication factor any tenant has
        var response = options.admin().describeRing(request.build());
        List<Range> ranges = response.getRangesList().stream().map(r -> new Range(
                Long.toUnsignedString(r.getStartExclusive()), Long.toUnsignedString(r.getEndInclusive()),
                List.copyOf(r.getReplicaNodeIdsList()), List.copyOf(r.getPendingNodeIdsList()))).toList();
        var described = new Described(response.getRingEpoch(), response.getReplicationFactor(), factor == null,
                ranges);
        return options.print(described, text(described));
    }

    private static String text(Described ring) {
        TextTable table = TextTable.withColumns("START (EXCLUSIVE)", "END (INCLUSIVE)", "REPLICAS", "PENDING");
        ring.ranges().forEach(r -> table.row(r.startExclusive(), r.endInclusive(), String.join(",", r.replicaNodeIds()),
                r.pendingNodeIds().isEmpty() ? null : String.join(",", r.pendingNodeIds())));
        long pending = ring.ranges().stream().filter(r -> !r.pendingNodeIds().isEmpty()).count();
        return "Ring epoch %d, replication factor %d%s: %d ranges, %d with pending replicas%n".formatted(ring.ringEpoch(),
                ring.replicationFactor(), ring.largestInUse() ? " (the largest any tenant has; --tenant or --rf for another)"
                        : "", ring.ranges().size(), pending) + table.render();
    }
}
