package io.pairdb.adapters.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines end requests on time while the coordinator is overloaded: every virtual-thread
 * carrier busy with work that does not yield, and more busy platform threads than cores.
 */
class ExecutorSchedulerTest {
    /** Generous: the point is seconds late (as measured under load before) versus on time. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    private final ExecutorScheduler scheduler = new ExecutorScheduler();
    private final AtomicBoolean saturating = new AtomicBoolean(true);
    private final List<Thread> busy = new ArrayList<>();
    private volatile long sink;

    @AfterEach
    void stop() throws InterruptedException {
        saturating.set(false);
        for (Thread t : busy) {
            t.join(Duration.ofSeconds(10));
        }
        scheduler.close();
    }

    // Awaitility polls on the test's own thread: a poller of its own could be a virtual thread,
    // which the saturated carriers would starve just like the deadlines under test
    @Test
    void requestsEndByTheirDeadlineWhileTheCpuIsSaturated() {
        int cores = Runtime.getRuntime().availableProcessors();
        // the carriers of virtual threads (one per core) and the cores themselves, all spinning
        for (int i = 0; i < cores * 2; i++) {
            busy.add(Thread.ofVirtual().start(this::spin));
            busy.add(Thread.ofPlatform().daemon(true).start(this::spin));
        }
        int requests = 200;
        ConcurrentLinkedQueue<Duration> lateBy = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < requests; i++) {
            Duration deadline = Duration.ofMillis(100 + i % 5 * 50);
            long started = System.nanoTime();
            CompletableFuture<String> neverAnswered = new CompletableFuture<>();
            Timeouts.bound(scheduler, neverAnswered, deadline, () -> new IllegalStateException("deadline"))
                    .whenComplete((value, error) -> {
                        lateBy.add(Duration.ofNanos(System.nanoTime() - started).minus(deadline));
                        failures.add(error instanceof CompletionException c ? c.getCause() : error);
                    });
        }

        await("every request has ended").pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> lateBy.size() == requests);
        assertThat(failures).allSatisfy(f -> assertThat(f).isInstanceOf(IllegalStateException.class).hasMessage("deadline"));
        assertThat(lateBy).as("how late each request ended after its deadline").allSatisfy(late -> assertThat(late).isLessThan(SLACK));
    }

    @Test
    void backgroundWorkStillRunsAfterTheOverloadPasses() {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        scheduler.schedule(Duration.ofMillis(10), () -> ranOn.complete(Thread.currentThread()));
        await().atMost(Duration.ofSeconds(10)).until(ranOn::isDone);
        assertThat(ranOn.join().isVirtual()).as("background work runs on a virtual thread").isTrue();
    }

    private void spin() {
        long x = 0;
        while (saturating.get()) {
            x += System.nanoTime() % 7;
        }
        sink = x; // keeps the loop from being optimised away
    }
}
