package io.pairdb.app.limits;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.LimitsProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Load-shedding settings that parse but cannot work stop start-up with a line naming the setting. */
class LimitsFactoryTest {

    private final LimitsProperties limits = new LimitsProperties();

    private void build() {
        new LimitsFactory().loadShedding(limits, new SimpleMeterRegistry());
    }

    @Test
    void theDefaultsWork() {
        assertThatCode(this::build).doesNotThrowAnyException();
    }

    @Test
    void aDeadlineWaitShareOutsideZeroToOneNamesItsSetting() {
        for (double share : new double[] {0, -0.5, 1.01}) {
            limits.setDeadlineWaitShare(share);
            assertThatThrownBy(this::build).as("share %s", share).isInstanceOf(ConfigurationError.class)
                    .hasMessageStartingWith("invalid configuration pairdb.limits.deadline-wait-share: ")
                    .hasMessageContaining("above 0 and at most 1");
        }
        limits.setDeadlineWaitShare(0.25);
        assertThatCode(this::build).doesNotThrowAnyException();
    }

    @Test
    void anAnswerRateWindowOrMinimumThatCannotWorkNamesItsSetting() {
        limits.setAnswerRateWindow(Duration.ofMillis(1));
        assertThatThrownBy(this::build).hasMessageStartingWith("invalid configuration pairdb.limits.answer-rate-window: ");
        limits.setDeadlineWaitShare(2);
        assertThatThrownBy(this::build).as("two bad settings: the window's message, under its name")
                .hasMessageStartingWith("invalid configuration pairdb.limits.answer-rate-window: ")
                .hasMessageContaining("at least 10 ms");
        limits.setDeadlineWaitShare(0.5);
        limits.setAnswerRateWindow(Duration.ofSeconds(1));
        limits.setAnswerRateMinCalls(0);
        assertThatThrownBy(this::build).hasMessageStartingWith("invalid configuration pairdb.limits.answer-rate-min-calls: ");
    }
}
