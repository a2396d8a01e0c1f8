package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.cli.CommandFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuTest {

    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    private static final String STAT = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1500 250 7 8 20 0 40 0";

    @Test
    void userAndSystemTicksAreReadAfterACommandNameWithSpacesAndParentheses() {
        assertThat(ProcessCpu.parseTicks(STAT)).isEqualTo(1_750);
    }

    @Test
    void machineBusyTimeLeavesOutIdleAndIowait() {
        assertThat(ProcessCpu.parseBusyTicks("cpu  100 2 30 5000 40 5 6 7 0 0")).isEqualTo(100 + 2 + 30 + 5 + 6 + 7);
    }

    @Test
    void theTimeUsedIsSummedOverTheProcessesOfATargetInMicroseconds(@TempDir Path proc) throws Exception {
        writeStat(proc, 41, ticks(1_500, 250));
        writeStat(proc, 42, ticks(100, 0));
        Files.writeString(proc.resolve("stat"), "cpu  100 0 100 900 0 0 0 0 0 0\ncpu0 1 2 3 4\n");
        var cpu = new ProcessCpu(List.of(new CpuTarget("storage", List.of(41L, 42L))), 100, proc);

        var start = cpu.start();
        writeStat(proc, 41, ticks(1_600, 260));
        writeStat(proc, 42, ticks(130, 0));
        Files.writeString(proc.resolve("stat"), "cpu  250 0 150 900 0 0 0 0 0 0\n");
        var used = cpu.usedSince(start);

        // ticks of 10 ms: the two processes used 140, all CPUs of the machine together were busy for 200
        assertThat(used).containsEntry("storage", 140L * 10_000).containsEntry("machine", 200L * 10_000).containsKey("client");
    }

    @Test
    void aProcessThatExitsDuringTheRunCountsForNothing(@TempDir Path proc) throws Exception {
        writeStat(proc, 41, ticks(100, 0));
        writeStat(proc, 42, ticks(100, 0));
        var cpu = new ProcessCpu(List.of(new CpuTarget("postgres", List.of(41L, 42L))), 100, proc);

        var start = cpu.start();
        writeStat(proc, 41, ticks(150, 0));
        Files.delete(proc.resolve("42").resolve("stat"));

        assertThat(cpu.usedSince(start)).containsEntry("postgres", 50L * 10_000);
    }

    @Test
    void aProcessThatIsNotThereAtTheStartIsALocalFailureNamingIt(@TempDir Path proc) {
        var cpu = new ProcessCpu(List.of(new CpuTarget("coordinator", List.of(99L))), 100, proc);

        assertThatThrownBy(cpu::start).isInstanceOf(CommandFailure.class).hasMessageContaining("there is no process 99");
    }

    private static String ticks(long utime, long stime) {
        return STAT.replace(" 1500 250 ", " " + utime + " " + stime + " ");
    }

    private static void writeStat(Path proc, long pid, String line) throws Exception {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("stat"), line + "\n");
    }
}
