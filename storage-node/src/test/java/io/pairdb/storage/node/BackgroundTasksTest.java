package io.pairdb.storage.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTasksTest {
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final BackgroundTasks tasks = new BackgroundTasks("test-", (name, e) -> failures.add(name + ": " + e));

    @Test
    void aTaskThatRunsLongDoesNotHoldUpTheOthers() throws InterruptedException {
        CountDownLatch sweepStarted = new CountDownLatch(1);
        CountDownLatch sweepMayEnd = new CountDownLatch(1);
        CountDownLatch syncs = new CountDownLatch(5);
        // a tombstone sweep with a large backlog
        tasks.every(Duration.ofMillis(5), "sweep", () -> {
            sweepStarted.countDown();
            await(sweepMayEnd);
        });
        tasks.every(Duration.ofMillis(10), "wal sync", syncs::countDown);
        try {
            assertThat(sweepStarted.await(30, TimeUnit.SECONDS)).isTrue();
            // the sweep cannot end before the finally block lets it
            assertThat(syncs.await(30, TimeUnit.SECONDS)).as("the WAL sync runs while the sweep does").isTrue();
        } finally {
            sweepMayEnd.countDown();
            tasks.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void aTaskThatThrowsIsReportedAndRunsAgain() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch thirdRun = new CountDownLatch(3);
        tasks.every(Duration.ofMillis(5), "disk check", () -> {
            runs.incrementAndGet();
            thirdRun.countDown();
            throw new IllegalStateException("statfs failed");
        });
        assertThat(thirdRun.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tasks.stop(Duration.ofSeconds(30))).isTrue();
        assertThat(failures).hasSizeGreaterThanOrEqualTo(3).first().asString()
                .isEqualTo("disk check: java.lang.IllegalStateException: statfs failed");
    }

    @Test
    void stopSaysWhetherTheRunsUnderWayEndedWithinTheGrace() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        tasks.every(Duration.ofMillis(5), "sweep", () -> {
            runs.incrementAndGet();
            started.countDown();
            await(mayEnd);
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(tasks.stop(Duration.ofMillis(50))).as("the run under way has not ended").isFalse();
        mayEnd.countDown();
        assertThat(tasks.stop(Duration.ofSeconds(30))).isTrue();
        assertThat(runs).as("no run after stop").hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
