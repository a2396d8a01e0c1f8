package io.pairdb.core.topology;

import io.pairdb.core.Identifiers;
import io.pairdb.core.node.NodeId;
import java.util.Objects;

/**
 * A topology change's identifier, e.g. {@code add-node-4-e17}: its type, its node (or tenant) and the ring
 * epoch it introduced. Unique without any randomness: a change starts only by moving the ring
 * from one epoch to the next, and only one change can do that.
 */
public record ChangeId(String value) {

    public ChangeId {
        Objects.requireNonNull(value, "change id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("change id must be 1-128 characters of letters, digits, '.', '_' or '-': '"
                    + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return Identifiers.isPlainName(value, 128);
    }

    public static ChangeId of(ChangeType type, NodeId node, long ringEpoch) {
        String verb = switch (type) {
            case ADD_NODE -> "add";
            case REMOVE_NODE -> "remove";
            case CHANGE_RF -> throw new IllegalArgumentException("a replication factor change is named by its tenant");
        };
        return new ChangeId(verb + "-" + node.value() + "-e" + ringEpoch);
    }

    /** E.g. {@code rf-orders-3-e17}: the tenant, the RF it moves to, the epoch. */
    public static ChangeId ofReplication(ReplicationChange change, long ringEpoch) {
        return new ChangeId("rf-" + change.tenant().value() + "-" + change.to() + "-e" + ringEpoch);
    }

    @Override
    public String toString() {
        return value;
    }
}
