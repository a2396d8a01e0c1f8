package io.pairdb.adapters.storage;

import io.grpc.ManagedChannel;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One gRPC channel per storage node, opened on first use and replaced when the node's address
 * changes (a node id re-added elsewhere); {@code C} is what the adapter keeps with the channel
 * (its stubs). Thread-safe.
 */
final class NodeChannels<C> implements AutoCloseable {
    private record Entry<C>(String address, ManagedChannel channel, C connection) {
    }

    private final Function<StorageNode, ManagedChannel> open;
    private final Function<ManagedChannel, C> wrap;
    private final ConcurrentHashMap<NodeId, Entry<C>> entries = new ConcurrentHashMap<>();

    /**
     * @param open builds the channel to a node, with the adapter's settings
     * @param wrap what the adapter keeps with a channel (its stubs), built once per channel
     */
    NodeChannels(Function<StorageNode, ManagedChannel> open, Function<ManagedChannel, C> wrap) {
        this.open = open;
        this.wrap = wrap;
    }

    C of(StorageNode node) {
        Entry<C> existing = entries.get(node.id());
        if (existing != null && existing.address().equals(node.address())) {
            return existing.connection();
        }
        return entries.compute(node.id(), (id, current) -> {
            if (current != null && current.address().equals(node.address())) {
                return current;
            }
            if (current != null) {
                current.channel().shutdown();
            }
            ManagedChannel channel = open.apply(node);
            return new Entry<>(node.address(), channel, wrap.apply(channel));
        }).connection();
    }

    /** Shuts every channel down, waiting up to 5 s each for calls under way. */
    @Override
    public void close() {
        entries.values().forEach(e -> e.channel().shutdown());
        for (Entry<C> e : entries.values()) {
            try {
                if (!e.channel().awaitTermination(5, TimeUnit.SECONDS)) {
                    e.channel().shutdownNow();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                e.channel().shutdownNow();
            }
        }
        entries.clear();
    }
}
