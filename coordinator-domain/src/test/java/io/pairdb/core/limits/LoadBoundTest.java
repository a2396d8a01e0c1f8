package io.pairdb.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.limits.LoadBound.Admission;
import io.pairdb.core.limits.LoadBound.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadBoundTest {

    @Test
    void refusesTheRequestPastTheBoundAndAdmitsAgainOnceOneIsReleased() {
        LoadBound bound = new LoadBound(new LoadBound.Settings(2, 1000));

        assertThat(bound.admitRequest()).isInstanceOf(Admission.Admitted.class);
        assertThat(bound.admitRequest()).isInstanceOf(Admission.Admitted.class);
        assertThat(bound.admitRequest()).isEqualTo(new Admission.Refused(Limit.REQUESTS, 2, 2));
        assertThat(bound.requestsInFlight()).isEqualTo(2);

        bound.releaseRequest();
        assertThat(bound.admitRequest()).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void refusesBytesPastTheBoundButTakesAnyMessageWhenNothingIsInFlight() {
        LoadBound bound = new LoadBound(new LoadBound.Settings(10, 100));

        assertThat(bound.admitBytes(500)).as("alone, a large message is served")
                .isInstanceOf(Admission.Admitted.class);
        assertThat(bound.admitBytes(1)).isEqualTo(new Admission.Refused(Limit.BYTES, 500, 100));
        bound.releaseBytes(500);

        assertThat(bound.admitBytes(60)).isInstanceOf(Admission.Admitted.class);
        assertThat(bound.admitBytes(40)).as("exactly at the bound").isInstanceOf(Admission.Admitted.class);
        assertThat(bound.admitBytes(1)).isInstanceOf(Admission.Refused.class);
        bound.releaseBytes(40);
        assertThat(bound.bytesInFlight()).isEqualTo(60);
        assertThat(bound.admitBytes(40)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void releasingWhatWasNeverAdmittedIsAnErrorAndChangesNothing() {
        LoadBound bound = new LoadBound(new LoadBound.Settings(1, 10));
        assertThatThrownBy(bound::releaseRequest).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bound.releaseBytes(5)).isInstanceOf(IllegalStateException.class);
        assertThat(bound.requestsInFlight()).isZero();
        assertThat(bound.bytesInFlight()).isZero();
        assertThat(bound.admitRequest()).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> new LoadBound.Settings(0, 10)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new LoadBound.Settings(1, 0)).hasMessageContaining("at least 1");
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheBound() throws InterruptedException {
        LoadBound bound = new LoadBound(new LoadBound.Settings(5, 1000));
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int j = 0; j < 100; j++) {
                    if (bound.admitRequest() instanceof Admission.Admitted) {
                        admitted.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(admitted).hasValue(5);
        assertThat(bound.requestsInFlight()).isEqualTo(5);
    }
}
