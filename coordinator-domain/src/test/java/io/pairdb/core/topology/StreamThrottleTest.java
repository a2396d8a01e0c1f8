package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamThrottleTest {
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final StreamThrottle throttle = new StreamThrottle(millis::get, 1000);

    @Test
    public void aBatchIsPaidForByTimeBeforeTheNextMayGo() {
        assertThat(throttle.delay()).isEqualTo(Duration.ZERO);
        throttle.charge(500);
        assertThat(throttle.delay()).isEqualTo(Duration.ofMillis(500));
        throttle.charge(1500);
        assertThat(throttle.delay()).as("debts add up").isEqualTo(Duration.ofSeconds(2));
        millis.addAndGet(2000);
        assertThat(throttle.delay()).isEqualTo(Duration.ZERO);
    }

    @Test
    public void idleTimeIsNotSavedUpForABurst() {
        millis.addAndGet(60_000);
        throttle.charge(1000);
        assertThat(throttle.delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    public void changingTheCapTakesEffectAtOnceAndZeroLiftsIt() {
        throttle.charge(10_000);
        throttle.setBytesPerSecond(StreamThrottle.UNLIMITED);
        assertThat(throttle.delay()).isEqualTo(Duration.ZERO);
        throttle.charge(1 << 30);
        assertThat(throttle.delay()).isEqualTo(Duration.ZERO);
        throttle.setBytesPerSecond(2000);
        throttle.charge(1000);
        assertThat(throttle.delay()).isEqualTo(Duration.ofMillis(500));
        assertThat(throttle.bytesPerSecond()).isEqualTo(2000);
    }

    @Test
    public void aWaitIsNeverShorterThanTheClocksMillisecond() {
        throttle.setBytesPerSecond(3000);
        throttle.charge(1);
        assertThat(throttle.delay()).as("a third of a millisecond owed").isEqualTo(Duration.ofMillis(1));
        millis.addAndGet(1);
        assertThat(throttle.delay()).isEqualTo(Duration.ZERO);
    }

    @Test
    public void aNegativeCapIsRefused() {
        assertThatThrownBy(() -> throttle.setBytesPerSecond(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 (unlimited) or more");
    }
}
