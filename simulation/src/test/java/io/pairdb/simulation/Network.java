package io.pairdb.simulation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Who can talk to whom, and how long a message takes. Endpoints are names: coordinators
 * ({@code c1}…), storage nodes ({@code n1}…), {@code postgres} and {@code redis}. A link is cut in
 * both directions by a partition until it heals. Every message draws its own delay, with a long
 * tail, and may be lost; both are seeded.
 */
final class Network {
    /** How the network behaves in a run (chosen by the seed, changed by faults). */
    static final class Profile {
        /** Chance that one message is lost. */
        double loss;
        /** Chance that one message takes the long tail (10x to 2000x the base delay). */
        double tail;

        Profile(double loss, double tail) {
            this.loss = loss;
            this.tail = tail;
        }
    }

    private final RandomGenerator random;
    private final Profile profile;
    private final Set<String> cut = new LinkedHashSet<>();

    Network(RandomGenerator random, Profile profile) {
        this.random = random;
        this.profile = profile;
    }

    Profile profile() {
        return profile;
    }

    /** One message's delay in microseconds: 0.2–2 ms, sometimes far more. */
    long delay() {
        long base = 200 + random.nextLong(1800);
        if (random.nextDouble() < profile.tail) {
            base *= 10 + random.nextLong(1990);
        }
        return base;
    }

    boolean lost() {
        return profile.loss > 0 && random.nextDouble() < profile.loss;
    }

    boolean connected(String a, String b) {
        return !cut.contains(key(a, b));
    }

    void cut(String a, String b) {
        cut.add(key(a, b));
    }

    void heal(String a, String b) {
        cut.remove(key(a, b));
    }

    void healAll() {
        cut.clear();
    }

    List<String> cutLinks() {
        return List.copyOf(cut);
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "~" + b : b + "~" + a;
    }
}
