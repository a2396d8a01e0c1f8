package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.port.CoordinatorIds.Renewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CoordinatorIds} pool does; each implementation's test extends this. */
public abstract class CoordinatorIdsContract {
    /** A pool in which no id was ever claimed. */
    protected abstract CoordinatorIds emptyPool();

    /** Lets every lease taken so far run out (by moving a clock, or by waiting a short lease out). */
    protected abstract void expireLeases();

    /** A lease that {@link #expireLeases()} can end. */
    protected abstract Duration shortLease();

    private CoordinatorIds pool;

    @BeforeEach
    public void freshPool() {
        pool = emptyPool();
    }

    @Test
    public void instancesRunningTogetherGetDistinctIdsLowestFirst() {
        assertThat(pool.claim("pod-a", Duration.ofMinutes(1))).isEqualTo("coord-1");
        assertThat(pool.claim("pod-b", Duration.ofMinutes(1))).isEqualTo("coord-2");
        assertThat(pool.claim("pod-c", Duration.ofMinutes(1))).isEqualTo("coord-3");
    }

    @Test
    public void aReleasedIdIsReusedByTheNextInstance() {
        String first = pool.claim("pod-a", Duration.ofMinutes(1));
        pool.claim("pod-b", Duration.ofMinutes(1));
        pool.release(first, "pod-a");
        assertThat(pool.claim("pod-a-restarted", Duration.ofMinutes(1))).isEqualTo(first);
    }

    @Test
    public void anIdWhoseLeaseRanOutIsReused() {
        String first = pool.claim("pod-a", shortLease());
        expireLeases();
        assertThat(pool.claim("pod-b", Duration.ofMinutes(1))).isEqualTo(first);
    }

    @Test
    public void renewingKeepsTheIdAndAnotherInstanceCannotTakeIt() {
        String id = pool.claim("pod-a", Duration.ofMinutes(1));
        assertThat(pool.renew(id, "pod-a", Duration.ofMinutes(1))).isEqualTo(Renewal.RENEWED);
        assertThat(pool.claim("pod-b", Duration.ofMinutes(1))).isNotEqualTo(id);
    }

    @Test
    public void anInstanceWhoseIdWasTakenOverLearnsItLostIt() {
        String id = pool.claim("pod-a", shortLease());
        expireLeases();
        assertThat(pool.claim("pod-b", Duration.ofMinutes(1))).isEqualTo(id);
        assertThat(pool.renew(id, "pod-a", Duration.ofMinutes(1))).isEqualTo(Renewal.LOST);
    }

    @Test
    public void releasingSomeoneElsesIdChangesNothing() {
        String id = pool.claim("pod-a", Duration.ofMinutes(1));
        pool.release(id, "pod-b");
        assertThat(pool.claim("pod-c", Duration.ofMinutes(1))).isNotEqualTo(id);
    }

    @Test
    public void concurrentClaimsNeverShareAnId() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> claims = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String instance = "pod-" + i;
                claims.add(() -> pool.claim(instance, Duration.ofMinutes(1)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : threads.invokeAll(claims)) {
                ids.add(f.get());
            }
            assertThat(new HashSet<>(ids)).hasSize(16);
        } finally {
            threads.shutdownNow();
        }
    }
}
