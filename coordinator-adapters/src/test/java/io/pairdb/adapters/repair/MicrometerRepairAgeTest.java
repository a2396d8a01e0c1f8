package io.pairdb.adapters.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MicrometerRepairAgeTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerRepairAge age = new MicrometerRepairAge(registry, Duration.ofDays(7));

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void theAgeIsNaNUntilReadThenTheLastReadAndNaNAgainWhileUnreadable() {
        assertThat(gauge("coordinator.repair.oldest.unrepaired.age")).isNaN();
        assertThat(gauge("coordinator.repair.period")).isEqualTo(7 * 24 * 3600.0);

        age.oldestUnrepaired(Optional.of(Duration.ofMinutes(90)));
        assertThat(gauge("coordinator.repair.oldest.unrepaired.age")).isEqualTo(5400.0);

        age.unreadable("connection refused");
        assertThat(gauge("coordinator.repair.oldest.unrepaired.age")).as("no alert on a stale figure").isNaN();

        age.oldestUnrepaired(Optional.empty());
        assertThat(gauge("coordinator.repair.oldest.unrepaired.age")).as("no tenants").isZero();
    }
}
