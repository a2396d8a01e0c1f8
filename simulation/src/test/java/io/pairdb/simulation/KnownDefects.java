package io.pairdb.simulation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Defects of issues 12 and 13 that are known and being fixed elsewhere. While an item is listed as
 * open, the fault and workload features that trigger it are left out of every run, so the CI seeds
 * stay green; once its fix is merged, drop it from {@link #CI} (or run with
 * {@code -Dsim.known-defects=none}) and the simulation checks it like everything else.
 *
 * <p>{@code -Dsim.known-defects=12.5,13.4} lists the open items explicitly; {@code none} opens none.
 */
final class KnownDefects {
    enum Item {
        IDEMPOTENCY_KEYS_COLLIDE("12.1", "idempotency records of different requests collide; a write is answered"
                + " as a duplicate of another key's"),
        WRITE_ON_FAILED_BASE_READ("12.2", "a write is built on a base read that missed its quorum"),
        ONE_WRITES_READ_ONE_REPLICA("12.4", "a write at one builds on a single replica's version, not a read quorum's"),
        UNBOUNDED_WAITS("12.5", "waits on the request path outlast the deadline and the idempotency marker"),
        FAILED_RECORD_IS_SUCCESS("12.6", "a write whose idempotency record failed is answered as success; its marker"
                + " expires and a retry applies it again"),
        ID_NOT_HELD_ISSUES("12.9", "a coordinator whose id lease ran out (and was taken over) keeps issuing clocks"
                + " under that id"),
        STALE_COORDINATOR_SERVES("13.1", "a coordinator that cannot confirm the ring epoch keeps serving on the old one"),
        LOWERING_RF_HIDES_WRITES("13.4", "lowering an RF applies at once: what only the dropped replicas hold is lost"),
        COMPLETION_NOT_FENCED("S1", "found by this simulation, not in 12 or 13: a node change's last epoch is not fenced,"
                + " so a coordinator still on the one before reads from the old owners, which no longer get writes"),
        RF_COMPLETION_NOT_FENCED("S5", "S1 for a replication factor: a coordinator still on the change's epoch after"
                + " it completed reads the old RF's replicas, which need not meet a write at the new RF (3 -> 1: a read"
                + " at quorum of replicas 2 and 3 misses a write to replica 1; 3 -> 2: a read at one of replica 3"
                + " misses a write at all of replicas 1 and 2)"),
        STREAM_SOURCE_OF_SMALLEST_RF("S2", "found by this simulation, not in 12 or 13: a stream that carries several RFs"
                + " reads every tenant from the smallest RF's source, not from the replica each tenant loses; a stale or"
                + " wiped source loses what only the replaced replica held"),
        MERGED_CLOCK_DOMINATES_UNSEEN("S3", "found by this simulation, not in 12 or 13: a resolution's merged clock can"
                + " dominate a version it never saw (a later counter of the same coordinator, from a write that did not"
                + " read the earlier one), so a node ignores that version, an acknowledged one included, depending on"
                + " the order versions arrive in"),
        NO_ANTI_ENTROPY("S4", "found by this simulation, not in 12 or 13: without a repair of a range within the gc"
                + " grace a replica that missed a delete (its hint expired, was dropped or never stored) keeps the old"
                + " value, and once the other replicas purge the tombstone after the gc grace, the deleted key comes"
                + " back");

        final String number;
        final String what;

        Item(String number, String what) {
            this.number = number;
            this.what = what;
        }
    }

    /**
     * The items open on main today: what the CI run leaves out. Every item is fixed on main (their gates
     * stay, to measure a reintroduced defect): S4 by the application's repair schedule, S3 by issuing each
     * counter above every entry of the clock it extends, with its timestamp the counter's millisecond.
     */
    static final Set<Item> CI = EnumSet.noneOf(Item.class);

    private final Set<Item> open;

    private KnownDefects(Set<Item> open) {
        this.open = open;
    }

    static KnownDefects fromProperty(String value) {
        if (value == null || value.isBlank()) {
            return new KnownDefects(CI.isEmpty() ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(CI));
        }
        if (value.trim().toLowerCase(Locale.ROOT).equals("none")) {
            return new KnownDefects(EnumSet.noneOf(Item.class));
        }
        Set<Item> items = EnumSet.noneOf(Item.class);
        for (String number : value.split(",")) {
            String n = number.trim();
            items.add(Arrays.stream(Item.values()).filter(i -> i.number.equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("sim.known-defects: no known defect " + n + "; known: "
                            + Arrays.stream(Item.values()).map(i -> i.number).toList())));
        }
        return new KnownDefects(items);
    }

    boolean isOpen(Item item) {
        return open.contains(item);
    }

    /** Leaves out what triggers an open item. */
    void exclude(SimConfig config) {
        if (isOpen(Item.IDEMPOTENCY_KEYS_COLLIDE)) {
            config.collidingIdempotencyKeys = 0;
        }
        if (isOpen(Item.WRITE_ON_FAILED_BASE_READ)) {
            // replicas that fail the base read (read errors, a lost read) but take the write make the write build
            // on a minority's version
            config.nodeReadErrors = false;
            config.loseReads = false;
        }
        if (isOpen(Item.UNBOUNDED_WAITS)) {
            // a store that stalls (or a PostgreSQL client waiting out Hikari's 30 s) keeps a write running past its
            // idempotency marker, and a retry with the same key runs it a second time
            config.slowStoreStalls = false;
            config.postgresTimeout = java.time.Duration.ofSeconds(2);
        }
        if (isOpen(Item.FAILED_RECORD_IS_SUCCESS)) {
            // a retry after the in-progress marker (at least 10 s) expired runs a write whose record was lost again
            config.retryWindow = java.time.Duration.ofSeconds(8);
        }
        if (isOpen(Item.ID_NOT_HELD_ISSUES)) {
            // a coordinator cut off past its id lease while another claims ids issues under a taken id once it heals
            config.takeOverIds = false;
        }
        if (isOpen(Item.STALE_COORDINATOR_SERVES) && config.changesTopology()) {
            // a coordinator cut off from PostgreSQL misses the epoch a change ends with, and keeps serving
            config.partitionPostgres = false;
        }
        if (isOpen(Item.STREAM_SOURCE_OF_SMALLEST_RF) && (config.addNodes || config.removeNodes || config.forceRemoveNodes)) {
            // a wiped replica is a stream's source when it holds the smallest RF's copy
            config.loseData = false;
        }
        if (isOpen(Item.NO_ANTI_ENTROPY)) {
            // without a repair within the gc grace, a purged tombstone lets a stale replica's value back
            config.tombstoneGcGrace = java.time.Duration.ofDays(10);
        }
        if (isOpen(Item.LOWERING_RF_HIDES_WRITES)) {
            config.lowerRf = false;
        }
    }

    List<String> describe() {
        return open.stream().map(i -> i.number + " (" + i.what + ")").toList();
    }

    String property() {
        return open.isEmpty() ? "none" : open.stream().map(i -> i.number).collect(Collectors.joining(","));
    }
}
