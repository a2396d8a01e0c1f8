package io.pairdb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole-cluster simulation. With no option it runs the CI seeds; {@code -Dsim.seeds=N}
 * runs N seeds from {@code -Dsim.first-seed} (default 1), stopping at the first failure unless
 * {@code -Dsim.keep-going=true}; {@code -Dsim.seed=S} replays one seed and prints its trace
 * ({@code -Dsim.trace=debug} adds every storage call). See simulation/README.md.
 */
class SimulationTest {
    /** The seeds CI runs: 1 to this. About 40 s on a quiet 2-core machine, within two minutes on a busy one. */
    static final int CI_SEEDS = 200;

    /**
     * Seeds beyond {@link #CI_SEEDS} that once broke a promise, run in CI too so what they found
     * cannot come back unnoticed. 603: a coordinator cut off from PostgreSQL during an RF 1 node
     * removal kept serving its old ring epoch after the change completed (the simulation's
     * coordinators did not refuse with TOPOLOGY_STALE as the application's do). 753: an RF 3 -> 1
     * lowering; a write at one acknowledged by a dropped replica alone after its range had streamed,
     * its hint for the kept one not stored, was never read at RF 1 (cleanup now hands it over). 1614:
     * an RF 2 -> 1 lowering whose kept replica lost its disk after its stream; only the dropped
     * replica still held the range. 1856: a removal whose leaving node failed reads for 8 s
     * streamed from the other replica instead, which had lost its disk: what only the leaving node
     * held was lost (streams now read from the replaced replica alone). 2166: a retry answered as
     * the duplicate of a write whose only copy a disk loss took after the write's first attempt was
     * judged as if written at the retry (the checker now dates it from the first attempt). 11284: a
     * removal admitted beside an addition in flight on "disjoint" ranges streamed keys to the node
     * after the removed vnode, while in the ring with both applied they belong to the joining node.
     * 2518: an operator's RF change stalled on a slow store and was retried; the retry started the
     * change, and the original, planned at the same epoch with the same change id, then failed on the
     * id in the in-memory store instead of hearing that the epoch moved, as PostgreSQL answers. 205:
     * a write at one whose replica lost its disk lived on only as a hint for the other replica, which
     * was then removed by force; the hint was dropped (hints now go to the key's current replicas).
     * 20184: an RF 1 key whose only replica lost its disk during a node addition survived only on the
     * joining node, whose addition then failed; the checker now counts such a copy as lost when the
     * join fails, not as a survivor. 804: during an RF 3 -> 1 lowering, a quorum delete was
     * acknowledged by the two replicas being dropped after its range had streamed to the kept one;
     * once RF 1 applied the next write did not build on it (quorum writes now also wait for a quorum
     * of the replicas kept). 50469: S1, a quorum read on the epoch before a node change's last missed a
     * write to the new replicas (the change now hands over and fences that epoch). 63316: S5 for a move
     * by one, RF 3 -> 2: a coordinator still on the change's epoch read at one from the dropped replica
     * after a write at all of the two kept (reads and writes now count their level among both RFs'
     * replicas while the RF moves). 60595: a tenant of RF 2 was created while a decommission left one
     * node (an RF is now checked against the nodes that stay). 62251: a skipped cleanup handed a
     * retired replica's copies back after the final reads (cleanup now stops before them). 69501, 65269:
     * RF lowered, then the one replica left lost its disk; the checker counted the dropped replica's
     * copy, awaiting cleanup, as surviving (only replicas and hints count now). 71122: a forced removal
     * committed long before its slow answer reached the operator; its loss now dates from the commit.
     * 1200, 1732: the first seeds (of 1..3000) that catch S5 when the joint count is taken out (a write
     * built on a base read of the old RF's replicas alone misses a write at the new RF: "not causal").
     * 73055, 73404: a change's target lost its disk after its ranges were copied and before the change
     * ended, which then retired the only other copies (a change now copies them again first).
     * 150297: a forced removal failed after the faults healed, so its node, back in the ring, was never
     * restarted and the run could not settle (settling now restarts it).
     * 467467: a forced removal asked for with four nodes for RF 3 waited 38 s on a slow store while
     * another removal completed, then left two: the tenant was unavailable by design, its data whole
     * on both, and the checker, finding no replicas in a ring smaller than the RF, called every write
     * lost (it now looks at the nodes left and expects the final reads refused as unavailable).
     * 417475: an RF 1 tenant created just before a node addition had nothing to stream; its first
     * write then reached the joining node as a pending replica, which lost its disk, and the range,
     * found empty, had named no copy of the target's data, so it was not copied again (streams now
     * name it before their first scan).
     * 418899: S3 met by a read, not a node: a quorum read got a tombstone whose merged clock covers
     * a write it never saw, and that write from the other replica; the resolution dropped the write.
     * While S3 is open its gate now also counts what a coordinator's read answers show.
     * 420209: an RF 1 key's one replica lost its disk while the only other copy was a hint for the
     * joining node; the hint was delivered, the join failed, and the checker still counted the hint
     * as surviving (a hint for a joining node now counts as that node's copy).
     * 453662: an RF 1 replica lost its disk just after a hint replay delivered to it, before the replay
     * deleted the delivered hints; the checker counted them as surviving copies. 404173: 417475's defect
     * in an RF 2 -> 1 lowering, the kept replica the target. Both now take other paths (a stream asks its
     * target first); their runs on 8be5fa2 show the defects.
     * 454109: a tenant of RF 1 created while a node joined had no stream in the change; the joining
     * node took its writes as a pending replica, then lost its disk after the hand-over; the change
     * copied its 48 streams again, none of them the new tenant's, and ended. A tenant is now not
     * created while a node joins or leaves.
     * 470237: an RF 1 tenant's raise to 2 copied a range to its new replica, the one natural replica
     * then lost its disk, and the raise failed; the checker counted the new replica's copy as
     * surviving (a copy only on a replica an RF raise adds now survives only if the raise completes).
     * 481776: a node addition was ended by a coordinator whose answer from the store was lost; the
     * checker heard of change endings from coordinators only, and so never learnt that the joining
     * node, holding the only copy left, did not join (it now watches the store).
     * 471136: an RF 1 key's one replica was removed by force while down; the only copy left was a hint
     * for it, which outlived its TTL before the removal completed and was dropped; the checker counted
     * any hint as surviving (a version left only in hints is now lost when they all leave undelivered).
     * 501489: an RF 1 node being removed lost its disk after streaming most of its ranges; its removal
     * then failed (a range's only source had lost it) and gave the ranges back to it, empty; the
     * checker counted the copies on the nodes taking them over as surviving (they now survive only
     * if the removal completes).
     * 2105: with tombstones purged (S4 closed), a write issued after a delete's tombstone was purged
     * read nothing and started the key's history afresh; the checker's `not causal` rule wanted it to
     * dominate the delete (it now knows a purged tombstone). 31350: a removal's driver handed over and
     * died before its next checkpoint; the coordinator resuming it streamed again from progress saved
     * earlier, the source was down past the stream failure timeout, and the change failed after the
     * hand-over, giving the removed node, whose disk was lost meanwhile, its RF 1 ranges back empty
     * (a hand-over now saves the streams first).
     * 1006834, 1059987 (the 100 000-seed run of 2026-12-06, the checker's own gap, as 2105 for reads and
     * durability): a key deleted, its tombstone purged after the gc grace, then written afresh (by a
     * write whose base read found nothing; in 1059987 by one with a client's causal context from before
     * the delete); the final version and a later read were judged against the deleted writes, which they
     * need not descend from (a version issued after such a purge now counts as a successor).
     * 1014094, 1019811 (the same run): the same, where the fresh write's version was then merged by
     * the resolution rule with a concurrent one; the merge carries the winner's data, and is now
     * judged by the version that won.
     * 1340236: a forced removal asked for while its node was down committed, on a slow store, after the
     * node had come back; a coordinator one epoch behind gave the node an RF 1 write at `one`, and the
     * removal streamed from the survivors only, so the write left with the node (a forced removal whose
     * node answers again before its streams start is now rolled back).
     * 1310: S3. Within one millisecond a coordinator issued a put built on a quorum read and then a delete
     * built on an older causal context; the delete's counter covered the put's. A replica that had merged
     * the delete into an earlier tombstone ignored the put as dominated, though the put beat the delete
     * alone, so a read at `all` after the put acknowledged at `one` found nothing only by that order (a
     * counter now exceeds every entry of the clock it extends, and ties of timestamp go to the greater
     * counter, so the delete wins in every order).
     * 29827: 1340236 again with nothing to stream. A forced removal of an RF 1 tenant's node, asked
     * for while the node was down, had no survivor to stream from and so completed as it started: no
     * epoch fence and no second probe. The node had come back; a coordinator cut off from the store,
     * still on the epoch before, gave it a quorum write, which left with it (a removal with nothing
     * to stream is now driven like any other).
     * 51566, 1677236 (the 56 000-seed run of 2026-12-06): a delete acknowledged at `quorum` (51566) or
     * `one` (1677236) missed a replica; faults (coordinators cut off from PostgreSQL or finding it
     * failing, replicas not answering) kept every repair of its range from finishing before the nodes
     * purged its tombstone. The checker called it `resurrected`; it is the operator's rule (repair
     * within the gc grace, told by PairDBRepairOverdue), now counted, not a violation, while the repair
     * schedule runs.
     * 1700850 (2026-12-06): a coordinator froze for 15 s (a pause) just after its keyed write reached the
     * replicas; a retry on another coordinator claimed the key once the marker had expired, and the frozen
     * coordinator's record, when it resumed, was not stored over that claim, as the README says. The
     * checker counted the record all the same and called the retry's second application `applied twice`;
     * it now counts a refused record only when its process was not paused since its claim.
     */
    // A seed found before a fault was added may draw it (each new one is drawn last, so seeds that do not
    // keep their runs) and then take another path than the one described. Of these, the plan-to-start
    // window (2026-12-06) is drawn by 603, 11284, 69501, 420209, 454109 and 417475, and the change during a
    // slow cleanup delete by 205, 1856, 2166, 20184, 60595, 65269, 71122, 150297, 417475, 420209, 454109,
    // 470237, 471136, 31350 and 1340236. They still run, as seeds whose runs once broke a promise.
    static final long[] REGRESSION_SEEDS = {205, 603, 753, 804, 1614, 1856, 2166, 2518, 11284, 20184, 50469, 60595,
        62251, 63316, 65269, 69501, 71122, 1200, 1732, 73055, 73404, 150297,
        467467, 417475, 418899, 420209, 453662, 404173, 454109, 470237, 481776, 471136, 501489, 2105, 31350, 1006834, 1059987, 1014094, 1019811,
        1340236, 1310, 29827, 51566, 1677236, 1700850, 143238};

    private static final KnownDefects OPEN = KnownDefects.fromProperty(System.getProperty("sim.known-defects"));

    @Test
    void everySeedKeepsEveryPromise() {
        String one = System.getProperty("sim.seed", "");
        if (!one.isBlank()) {
            replay(Long.parseLong(one.trim()));
            return;
        }
        String many = System.getProperty("sim.seeds", "");
        long first = Long.parseLong(System.getProperty("sim.first-seed", "1").isBlank() ? "1"
                : System.getProperty("sim.first-seed", "1").trim());
        int count = many.isBlank() ? CI_SEEDS : Integer.parseInt(many.trim());
        boolean keepGoing = Boolean.parseBoolean(System.getProperty("sim.keep-going", "false"));
        runSeeds(first, count, keepGoing);
    }

    @Test
    void seedsThatOnceFoundADefectKeepEveryPromise() {
        List<String> failures = new ArrayList<>();
        for (long seed : REGRESSION_SEEDS) {
            Simulation.Result r = Simulation.run(seed, OPEN, new Trace(Trace.Level.INFO, false, false));
            if (!r.passed()) {
                failures.add(failure(r));
            }
        }
        assertThat(failures).as("regression seeds that broke a promise").isEmpty();
    }

    /**
     * The operator's rule, not a violation: counted and traced. The case is rare under the schedule a seed
     * chooses (one seed in tens of thousands), and which seed shows it moves with any change to the core, so
     * this run makes the schedule slower than the gc grace. When a change to the core moves this seed's run
     * too, look for another: run seeds with this adjustment and take one whose run passes and counts the case
     * (a few seeds per ten thousand do; some of them also lose writes to the same forbidden schedule, which
     * the checker reports, so they will not do).
     */
    @Test
    void aDeleteUndoneAfterItsRangeWentUnrepairedThroughTheGcGraceIsCountedAndTraced() {
        Trace trace = new Trace(Trace.Level.INFO, true, false);
        Simulation.Result r = Simulation.run(6288, OPEN, trace, SimulationTest::repairSlowerThanTheGcGrace);

        assertThat(r.passed()).as(failure(r)).isTrue();
        assertThat(r.stats().resurrectionsAfterRepairOverdue).isEqualTo(2);
        assertThat(trace.all()).filteredOn(line -> line.contains(" check: ") && line.contains(": a node purged its tombstone")
                && line.contains("no repair of its range began after its first attempt and finished by then")).hasSize(2);
    }

    /**
     * A repair schedule three times slower than the gc grace, where the seed chose a grace the nodes purge
     * within (start-up refuses such a schedule; here it makes a rare case common).
     */
    private static void repairSlowerThanTheGcGrace(SimConfig config) {
        if (config.antiEntropy && config.tombstoneGcGrace.toDays() < 1) {
            config.repairEvery = config.tombstoneGcGrace.multipliedBy(3);
        }
    }

    @Test
    void aSeedReplaysExactly() {
        long seed = 7;
        Trace first = new Trace(Trace.Level.DEBUG, true, false);
        Trace second = new Trace(Trace.Level.DEBUG, true, false);

        Simulation.run(seed, OPEN, first);
        Simulation.run(seed, OPEN, second);

        assertThat(first.lines()).isGreaterThan(1000);
        assertThat(second.all()).isEqualTo(first.all());
    }

    private void runSeeds(long first, int count, boolean keepGoing) {
        long started = System.nanoTime();
        long operations = 0;
        long events = 0;
        long virtualMicros = 0;
        long faults = 0;
        long changes = 0;
        long completed = 0;
        long dominatedButNewer = 0;
        long repairOverdue = 0;
        int ran = 0;
        List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + count; seed++) {
            Simulation.Result r = Simulation.run(seed, OPEN, new Trace(Trace.Level.INFO, false, false));
            ran++;
            operations += r.operations();
            events += r.events();
            virtualMicros += r.virtualMicros();
            faults += r.stats().faults;
            dominatedButNewer += r.stats().dominatedButNewer;
            repairOverdue += r.stats().resurrectionsAfterRepairOverdue;
            changes += r.stats().changesEnded.size();
            completed += r.stats().changesEnded.stream()
                    .filter(c -> c.status() == io.pairdb.core.topology.ChangeStatus.COMPLETED).count();
            if (!r.passed()) {
                failures.add(failure(r));
                System.out.println(failures.getLast());
                if (!keepGoing) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("simulation: %d seeds (%d..%d), %d client operations, %d faults, %d topology changes (%d completed),"
                        + " %d versions ignored though newer (S3), %d deletes undone after a repair overdue, %d events,"
                        + " %.1f simulated hours, %.1f s; known defects left out: %s; %d failed%s%n", ran, first,
                first + ran - 1, operations, faults, changes, completed, dominatedButNewer, repairOverdue, events,
                virtualMicros / 3.6e9,
                seconds, OPEN.describe().isEmpty() ? "none" : OPEN.describe(), failures.size(),
                failures.isEmpty() ? "" : " (first failing seed: " + firstSeed(failures) + ", after " + ran + " seeds)");
        assertThat(failures).as("seeds that broke a promise").isEmpty();
    }

    private static String firstSeed(List<String> failures) {
        String f = failures.getFirst();
        return f.substring("seed ".length(), f.indexOf(' ', "seed ".length()));
    }

    private void replay(long seed) {
        boolean debug = "debug".equalsIgnoreCase(System.getProperty("sim.trace", ""));
        Trace trace = new Trace(debug ? Trace.Level.DEBUG : Trace.Level.INFO, true, true);
        Simulation.Result r = Simulation.run(seed, OPEN, trace);
        Path file = Path.of("target", "sim-seed-" + seed + ".trace");
        try {
            Files.createDirectories(file.getParent());
            List<String> lines = new ArrayList<>(trace.all());
            r.violations().forEach(v -> lines.add("VIOLATION " + v));
            Files.write(file, lines);
        } catch (IOException e) {
            throw new IllegalStateException("could not write the trace to " + file, e);
        }
        System.out.printf("seed %d: %d client operations, %d events, %s simulated, trace digest %016x; trace in %s%n", seed,
                r.operations(), r.events(), Trace.time(r.virtualMicros()).trim(), r.traceDigest(), file.toAbsolutePath());
        assertThat(r.violations()).as(failure(r)).isEmpty();
    }

    static String failure(Simulation.Result r) {
        Map<String, Long> kinds = r.violations().stream()
                .collect(Collectors.groupingBy(Checker.Violation::kind, TreeMap::new, Collectors.counting()));
        StringBuilder sb = new StringBuilder("seed " + r.seed() + " broke " + r.violations().size() + " promises " + kinds
                + " (" + r.config().describe() + "):\n");
        r.violations().stream().limit(10).forEach(v -> sb.append("  - ").append(v).append('\n'));
        if (r.violations().size() > 10) {
            sb.append("  ... and ").append(r.violations().size() - 10).append(" more\n");
        }
        sb.append("  replay it, with its trace: ").append(replayCommand(r.seed())).append('\n');
        sb.append("  last trace lines:\n");
        r.lastLines().stream().skip(Math.max(0, r.lastLines().size() - 25)).forEach(l -> sb.append("    ").append(l).append('\n'));
        return sb.toString();
    }

    static String replayCommand(long seed) {
        String open = OPEN.property();
        return "bin/simulate --seed " + seed
                + (KnownDefects.fromProperty(null).property().equals(open) ? "" : " --known-defects " + open);
    }
}
