package io.pairdb.core.liveness;

/**
 * What failure detection reports: every liveness transition of a storage node, after the topology
 * shows it (logged by an adapter; on UP the node's hints are replayed, see
 * {@code ReplayHintsWhenNodesReturn}). Must not block; never throws.
 */
@FunctionalInterface
public interface LivenessEvents {
    void changed(DetectFailures.Transition transition);
}
