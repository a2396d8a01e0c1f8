package io.pairdb.core.node;

import java.time.Instant;
import java.util.Objects;

/** A registered storage node: where it is, how many vnodes it has and its ring state. */
public record StorageNode(NodeId id, String host, int port, int virtualNodes, NodeState state,
                          Liveness liveness, Instant createdAt, Instant updatedAt) {
    public static final int DEFAULT_VIRTUAL_NODES = 150;
    public static final int MAX_VIRTUAL_NODES = 4096;

    public StorageNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
            throw new IllegalArgumentException("virtual nodes must be 1-" + MAX_VIRTUAL_NODES + ", was " + virtualNodes);
        }
    }

    public String address() {
        return host + ":" + port;
    }

    public StorageNode withState(NodeState newState, Instant now) {
        return new StorageNode(id, host, port, virtualNodes, newState, liveness, createdAt, now);
    }

    public StorageNode withAddress(String newHost, int newPort, Instant now) {
        return new StorageNode(id, newHost, newPort, virtualNodes, state, liveness, createdAt, now);
    }

    public StorageNode withLiveness(Liveness newLiveness, Instant now) {
        return new StorageNode(id, host, port, virtualNodes, state, newLiveness, createdAt, now);
    }
}
