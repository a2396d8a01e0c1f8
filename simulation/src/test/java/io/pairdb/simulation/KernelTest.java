package io.pairdb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelTest {
    private final Kernel kernel = new Kernel(new Trace(Trace.Level.INFO, false, false));
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void unwind() {
        kernel.shutdown();
        assertThat(kernel.parkedFibers()).isZero();
    }

    private void note(String what) {
        seen.add(kernel.now() + " " + what);
    }

    @Test
    void eventsRunInTimeOrderAndTiesInTheOrderTheyWereScheduled() {
        kernel.at(20, kernel.world, "b", () -> note("b"));
        kernel.at(10, kernel.world, "a", () -> note("a"));
        kernel.at(20, kernel.world, "c", () -> note("c"));

        kernel.runUntil(100);

        assertThat(seen).containsExactly("10 a", "20 b", "20 c");
        assertThat(kernel.now()).isEqualTo(100);
    }

    @Test
    void aStepThatBlocksOnAFutureWaitsInVirtualTimeWhileOtherEventsRun() {
        SimFuture<String> answer = new SimFuture<>(kernel);
        kernel.at(10, kernel.world, "blocking step", () -> note("got " + answer.join()));
        kernel.at(20, kernel.world, "other", () -> note("other"));
        kernel.at(30, kernel.world, "answer", () -> answer.complete("x"));

        kernel.runUntil(100);

        assertThat(seen).containsExactly("20 other", "30 got x");
    }

    @Test
    void aWaitWithATimeoutEndsAtItsDeadline() {
        SimFuture<String> never = new SimFuture<>(kernel);
        kernel.at(10, kernel.world, "bounded wait", () -> {
            try {
                never.get(5, TimeUnit.MICROSECONDS);
                note("answered");
            } catch (TimeoutException e) {
                note("timed out");
            } catch (Exception e) {
                note("failed " + e);
            }
        });

        kernel.runUntil(100);

        assertThat(seen).containsExactly("15 timed out");
    }

    @Test
    void waitsNestAndEachResumesAtItsOwnTime() {
        kernel.at(10, kernel.world, "first", () -> {
            kernel.sleep(50);
            note("first woke");
        });
        kernel.at(20, kernel.world, "second", () -> {
            kernel.sleep(10);
            note("second woke");
            kernel.sleep(100);
            note("second woke again");
        });

        kernel.runUntil(1000);

        assertThat(seen).containsExactly("30 second woke", "60 first woke", "130 second woke again");
    }

    @Test
    void theWaitingStepOfAKilledProcessUnwindsAndItsEventsNoLongerRun() {
        Kernel.Owner process = new Kernel.Owner("c1");
        kernel.at(10, process, "step", () -> {
            try {
                kernel.sleep(100);
                note("resumed");
            } finally {
                note("unwound");
            }
        });
        kernel.at(50, process, "later", () -> note("later"));
        kernel.at(20, kernel.world, "crash", () -> kernel.kill(process));

        kernel.runUntil(1000);

        assertThat(seen).containsExactly("20 unwound");
    }

    @Test
    void aPausedProcessRunsWhatCameDueMeanwhileOnceItResumesInOrder() {
        Kernel.Owner process = new Kernel.Owner("c1");
        kernel.at(10, process, "step", () -> {
            kernel.sleep(30);
            note("slept");
        });
        kernel.at(20, kernel.world, "pause", () -> kernel.pause(process, 100));
        kernel.at(50, process, "due meanwhile", () -> note("due meanwhile"));
        kernel.at(60, kernel.world, "others go on", () -> note("others go on"));
        kernel.at(150, process, "after", () -> note("after"));

        kernel.runUntil(1000);

        assertThat(seen).containsExactly("60 others go on", "100 slept", "100 due meanwhile", "150 after");
    }

    @Test
    void anExceptionEscapingAnEventIsReportedAndTheRunGoesOn() {
        kernel.at(10, kernel.world, "bad", () -> {
            throw new IllegalStateException("boom");
        });
        kernel.at(20, kernel.world, "good", () -> note("good"));

        kernel.runUntil(100);

        assertThat(seen).containsExactly("20 good");
        assertThat(kernel.unexpected()).singleElement().asString().contains("'bad'", "boom");
    }
}
