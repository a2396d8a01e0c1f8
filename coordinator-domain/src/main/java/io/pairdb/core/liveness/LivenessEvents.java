package io.pairdb.core.liveness;

/**
 * What failure detection reports: every liveness transition of a storage node, after the topology
 * shows it (the app logs it and, on UP, replays the node's hints). Must not block; never throws.
 */
@FunctionalInterface
public interface LivenessEvents {
    void changed(DetectFailures.Transition transition);
}
