package io.pairdb.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** The actions a run allows (their flag is set), of which one is picked at random each time. */
final class Choices {
    private final List<Runnable> allowed = new ArrayList<>();

    Choices when(boolean allow, Runnable action) {
        if (allow) {
            allowed.add(action);
        }
        return this;
    }

    /** Runs one allowed action; false when none is allowed. */
    boolean pickOne(RandomGenerator random) {
        if (allowed.isEmpty()) {
            return false;
        }
        allowed.get(random.nextInt(allowed.size())).run();
        return true;
    }
}
