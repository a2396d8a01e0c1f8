package io.pairdb.cli.bench;

import java.util.random.RandomGenerator;

/**
 * Picks the key of the next request, as an index into the key space {@code [0, keys)}.
 * Not thread-safe: one thread issues every request of a run.
 */
abstract sealed class KeyChooser {

    static final int HOT_KEYS_PERCENT = 10;
    static final int HOT_OPS_PERCENT = 90;

    final int keys;

    private KeyChooser(int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("the key space needs at least one key, not " + keys);
        }
        this.keys = keys;
    }

    static KeyChooser of(Distribution distribution, int keys) {
        return switch (distribution) {
            case UNIFORM -> new Uniform(keys);
            case HOT -> new Hot(keys);
        };
    }

    abstract int next(RandomGenerator random);

    static final class Uniform extends KeyChooser {
        Uniform(int keys) {
            super(keys);
        }

        @Override
        int next(RandomGenerator random) {
            return random.nextInt(keys);
        }
    }

    /**
     * {@value #HOT_OPS_PERCENT} % of the picks fall uniformly on the hot keys, the first
     * {@value #HOT_KEYS_PERCENT} % of the key space (at least one key), the rest uniformly on
     * the other keys. With a single key every pick is that key.
     */
    static final class Hot extends KeyChooser {
        private final int hotKeys;

        Hot(int keys) {
            super(keys);
            this.hotKeys = Math.max(1, (int) ((long) keys * HOT_KEYS_PERCENT / 100));
        }

        int hotKeys() {
            return hotKeys;
        }

        @Override
        int next(RandomGenerator random) {
            if (hotKeys == keys || random.nextInt(100) < HOT_OPS_PERCENT) {
                return random.nextInt(hotKeys);
            }
            return hotKeys + random.nextInt(keys - hotKeys);
        }
    }
}
