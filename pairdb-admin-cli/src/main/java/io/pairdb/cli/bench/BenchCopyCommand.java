package io.pairdb.cli.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CoordinatorAddress;
import io.pairdb.cli.ExitCodes;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc.StorageNodeServiceBlockingStub;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import io.pairdb.proto.storage.v1.TokenRange;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The speed-of-light reference of range streaming: one loop that scans the whole ring of a source
 * storage node ({@code StreamRange}) and writes each batch it yields to a target node
 * ({@code WriteBatch}), with no coordinator, ring, lease or checkpoint in between.
 */
@Prototype
@Command(name = "copy",
        description = {
            "Copies every entry of a storage node to another, StreamRange -> WriteBatch, one batch at a "
            + "time and nothing else: the reference a topology change's streaming rate is compared with. "
            + "Prints the keys, the bytes (protobuf size of the entries), the time, MiB/s and keys/s.",
        })
final class BenchCopyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--from", paramLabel = "HOST:PORT", required = true, converter = CoordinatorAddress.Converter.class,
            description = "The storage node to scan.")
    private CoordinatorAddress from;

    @Option(names = "--to", paramLabel = "HOST:PORT", required = true, converter = CoordinatorAddress.Converter.class,
            description = "The storage node to write to.")
    private CoordinatorAddress to;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "0",
            description = "Entries per StreamRange message; 0 is the source node's default (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Override
    public Integer call() {
        LoadOptions.require(spec, batchSize >= 0, "--batch-size must be 0 or more, not " + batchSize);
        ManagedChannel source = channel(from);
        ManagedChannel target = channel(to);
        try {
            StorageNodeServiceBlockingStub scan = StorageNodeServiceGrpc.newBlockingStub(source);
            StorageNodeServiceBlockingStub write = StorageNodeServiceGrpc.newBlockingStub(target);
            // (0, 0] wraps: the whole ring
            StreamRangeRequest request = StreamRangeRequest.newBuilder()
                    .setRange(TokenRange.newBuilder().setStartExclusive(0).setEndInclusive(0))
                    .setBatchSize(batchSize)
                    .build();
            long keys = 0;
            long bytes = 0;
            long started = System.nanoTime();
            Iterator<StreamRangeResponse> batches = scan.streamRange(request);
            while (batches.hasNext()) {
                List<Entry> entries = batches.next().getEntriesList();
                if (entries.isEmpty()) {
                    continue;
                }
                write.writeBatch(WriteBatchRequest.newBuilder().addAllEntries(entries).build());
                keys += entries.size();
                for (Entry e : entries) {
                    bytes += e.getSerializedSize();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "copied %d keys, %.1f MiB in %.2f s: %.1f MiB/s, %.0f keys/s%n",
                    keys, bytes / 1048576.0, seconds, bytes / 1048576.0 / seconds, keys / seconds);
            out.flush();
            return ExitCodes.OK;
        } catch (StatusRuntimeException e) {
            throw CommandFailure.local("the copy from " + from + " to " + to + " failed: " + e.getStatus(), e);
        } finally {
            source.shutdownNow();
            target.shutdownNow();
            try {
                source.awaitTermination(5, TimeUnit.SECONDS);
                target.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ManagedChannel channel(CoordinatorAddress node) {
        return NettyChannelBuilder.forAddress(node.host(), node.port()).usePlaintext().maxInboundMessageSize(64 << 20).build();
    }
}
