package io.pairdb.cli.bench;

import io.pairdb.cli.CommandFailure;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time of processes as the OS counts it: {@code utime + stime} from {@code /proc/PID/stat},
 * in clock ticks ({@code getconf CLK_TCK}, 100 on Linux). This process's own time comes from the
 * JVM, in nanoseconds. The whole machine's busy time (every CPU, every process, from the first
 * line of {@code /proc/stat}) is sampled too, so a report shows how much went to processes
 * nobody listed: on a shared machine, load that is not the benchmark's.
 */
final class ProcessCpu {

    /** The name under which a run reports its own CPU time. */
    static final String CLIENT = "client";
    /** The name under which a run reports the busy time of every CPU of the machine. */
    static final String MACHINE = "machine";

    private static final int UTIME_AFTER_COMM = 11;
    private static final int STIME_AFTER_COMM = 12;

    private final List<CpuTarget> targets;
    private final long clockTicksPerSecond;
    private final Path proc;

    ProcessCpu(List<CpuTarget> targets, long clockTicksPerSecond) {
        this(targets, clockTicksPerSecond, Path.of("/proc"));
    }

    ProcessCpu(List<CpuTarget> targets, long clockTicksPerSecond, Path proc) {
        this.targets = List.copyOf(targets);
        this.clockTicksPerSecond = clockTicksPerSecond;
        this.proc = proc;
    }

    /** CPU counters at one moment: ticks per process, this process's nanoseconds, the machine's busy ticks. */
    record Snapshot(Map<Long, Long> ticksByPid, long clientNanos, Optional<Long> machineTicks) {
    }

    /**
     * The counters now.
     *
     * @throws CommandFailure when a process to measure does not exist
     */
    Snapshot start() {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        for (CpuTarget target : targets) {
            for (long pid : target.pids()) {
                ticks.put(pid, ticks(pid).orElseThrow(() -> CommandFailure.local(
                        "--measure-cpu: there is no process " + pid + " (" + statOf(pid) + " is missing)")));
            }
        }
        return new Snapshot(ticks, ownCpuNanos(), machineBusyTicks());
    }

    /**
     * CPU time used since {@code start}, in microseconds, per target name, {@value #CLIENT} and
     * (where Linux tells) {@value #MACHINE}. A process that has exited meanwhile (a database
     * worker, say) counts for nothing: its last ticks cannot be read.
     */
    Map<String, Long> usedSince(Snapshot start) {
        Map<String, Long> micros = new LinkedHashMap<>();
        for (CpuTarget target : targets) {
            long used = 0;
            for (long pid : target.pids()) {
                long before = start.ticksByPid().get(pid);
                used += ticks(pid).map(now -> now - before).orElse(0L);
            }
            micros.merge(target.name(), used * 1_000_000 / clockTicksPerSecond, Long::sum);
        }
        micros.put(CLIENT, (ownCpuNanos() - start.clientNanos()) / 1_000);
        start.machineTicks().ifPresent(before -> machineBusyTicks()
                .ifPresent(now -> micros.put(MACHINE, (now - before) * 1_000_000 / clockTicksPerSecond)));
        return micros;
    }

    /** {@code utime + stime} of one process; empty when it does not exist. */
    Optional<Long> ticks(long pid) {
        Path stat = statOf(pid);
        try {
            return Optional.of(parseTicks(Files.readString(stat)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw CommandFailure.local("--measure-cpu: cannot read " + stat + ": " + e.getMessage(), e);
        }
    }

    private Path statOf(long pid) {
        return proc.resolve(Long.toString(pid)).resolve("stat");
    }

    /** Busy ticks of all CPUs since boot; empty where there is no {@code /proc/stat}. */
    private Optional<Long> machineBusyTicks() {
        try {
            return Optional.of(parseBusyTicks(Files.readAllLines(proc.resolve("stat")).getFirst()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code user nice system idle iowait irq softirq steal ...}: everything but idle and iowait. */
    static long parseBusyTicks(String cpuLine) {
        String[] fields = cpuLine.strip().split("\\s+");
        if (!fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
        }
        long busy = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    /** The command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'. */
    static long parseTicks(String statLine) {
        int commEnd = statLine.lastIndexOf(')');
        if (commEnd < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
        }
        String[] fields = statLine.substring(commEnd + 1).strip().split("\\s+");
        return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
    }

    private static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
