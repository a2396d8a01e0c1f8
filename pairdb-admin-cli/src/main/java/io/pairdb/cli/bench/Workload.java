package io.pairdb.cli.bench;

/**
 * What a run sends: writes, reads, or a mix.
 *
 * @param readRatio the share of reads, 0 for {@code write}, 1 for {@code read}
 */
record Workload(String name, double readRatio) {

    static final Workload WRITE = new Workload("write", 0);
    static final Workload READ = new Workload("read", 1);

    Workload {
        if (!(readRatio >= 0 && readRatio <= 1)) {
            throw new IllegalArgumentException("the read ratio must be between 0 and 1, not " + readRatio);
        }
    }

    static Workload mixed(double readRatio) {
        return new Workload("mixed", readRatio);
    }

    boolean reads() {
        return readRatio > 0;
    }

    boolean writes() {
        return readRatio < 1;
    }
}
