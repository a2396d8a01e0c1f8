package io.pairdb.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthMetrics metrics = new HealthMetrics(registry);

    private double transitions(String to) {
        return registry.get("coordinator.readiness.transitions").tag("to", to).counter().count();
    }

    @Test
    void everyChangeOfTheReadinessAnswerIsCountedButNotTheFirstAnswer() {
        metrics.readinessAnswered(false);
        metrics.readinessAnswered(true);
        metrics.readinessAnswered(true);
        metrics.readinessAnswered(false);
        metrics.readinessAnswered(true);

        assertThat(transitions("ready")).isEqualTo(2);
        assertThat(transitions("not_ready")).isEqualTo(1);
    }

    @Test
    void aDependencyIsUpUntilACheckFindsItDownAndUpAgainWhenOneFindsItBack() {
        assertThat(registry.get("coordinator.dependency.up").tag("dependency", "redis").gauge().value()).isEqualTo(1);

        metrics.dependencyChecked(HealthMetrics.Dependency.REDIS, false);
        assertThat(registry.get("coordinator.dependency.up").tag("dependency", "redis").gauge().value()).isZero();
        assertThat(registry.get("coordinator.dependency.up").tag("dependency", "postgresql").gauge().value()).isEqualTo(1);

        metrics.dependencyChecked(HealthMetrics.Dependency.REDIS, true);
        assertThat(registry.get("coordinator.dependency.up").tag("dependency", "redis").gauge().value()).isEqualTo(1);
    }
}
