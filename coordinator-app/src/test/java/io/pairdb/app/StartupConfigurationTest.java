package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.context.exceptions.BeanContextException;
import io.pairdb.app.config.ConfigurationCheck;
import io.pairdb.app.config.ConfigurationError;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A setting that cannot be used stops start-up with one line that names it. */
class StartupConfigurationTest {

    private static void verify(Map<String, Object> settings) {
        ConfigurationCheck.verify(new PropertySourcePropertyResolver(PropertySource.of("test", settings)));
    }

    @Test
    void usableValuesPass() {
        assertThatCode(() -> verify(Map.of(
                "pairdb.coordinator.write-timeout", "2s",
                "pairdb.coordinator.max-value-bytes", "2048",
                "pairdb.coordinator.repair-async", "false",
                "pairdb.coordinator.node-id", "anything: checked later",
                "pairdb.tenants.cache-ttl", "PT1M",
                "pairdb.shutdown.grace-period", "45s",
                "pairdb.health.min-ring-nodes", "0"))).doesNotThrowAnyException();
    }

    @Test
    void aBadDurationNamesItsKey() {
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.write-timeout", "banana")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.coordinator.write-timeout: 'banana' is not a duration "
                        + "(examples: 500ms, 5s, 2m, 24h, PT5S)");
    }

    @Test
    void aBadNumberOrFlagNamesItsKey() {
        assertThatThrownBy(() -> verify(Map.of("pairdb.tenants.max-replication-factor", "five")))
                .hasMessageContaining("pairdb.tenants.max-replication-factor").hasMessageContaining("'five'");
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.repair-async", "sometimes")))
                .hasMessageContaining("pairdb.coordinator.repair-async");
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology.refresh-interval", "often")))
                .hasMessageContaining("pairdb.topology.refresh-interval");
        assertThatThrownBy(() -> verify(Map.of("pairdb.health.check-timeout", "quick")))
                .hasMessageContaining("pairdb.health.check-timeout");
        assertThatThrownBy(() -> verify(Map.of("pairdb.limits.deadline-wait-share", "half")))
                .hasMessage("invalid configuration pairdb.limits.deadline-wait-share: 'half' is not a number");
        assertThatThrownBy(() -> verify(Map.of("pairdb.log.max-lines-per-second", "many")))
                .hasMessageContaining("pairdb.log.max-lines-per-second").hasMessageContaining("'many'");
        assertThatThrownBy(() -> new RequestLog(0)).isInstanceOf(ConfigurationError.class)
                .hasMessageContaining("pairdb.log.max-lines-per-second").hasMessageContaining("at least 1");
    }

    @Test
    void aDurationThatCannotWorkNamesItsKey() {
        // a readiness check given no time is always DOWN; a schedule with no interval cannot be started
        for (String key : List.of("pairdb.health.check-timeout", "pairdb.redis.timeout", "pairdb.topology.refresh-interval",
                "pairdb.coordinator.id-renewal-interval", "pairdb.failure-detector.interval", "pairdb.cleanup.interval",
                "pairdb.metrics.store-refresh-interval")) {
            assertThatThrownBy(() -> verify(Map.of(key, "0s"))).as(key).isInstanceOf(ConfigurationError.class)
                    .hasMessage("invalid configuration " + key + ": must be a positive duration, was 0s");
        }
        // no duration means anything below zero
        assertThatThrownBy(() -> verify(Map.of("pairdb.shutdown.grace-period", "-5s")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.shutdown.grace-period: must not be negative, was -5s");
        // where zero means "none", it stays allowed
        assertThatCode(() -> verify(Map.of("pairdb.tenants.cache-ttl", "0s", "pairdb.shutdown.grace-period", "0s",
                "pairdb.repair.period", "0s", "pairdb.topology-changes.checkpoint-interval", "0s")))
                .doesNotThrowAnyException();
    }

    @Test
    void aSpeculationPolicyThatCannotBeReadNamesItsKeyAndSaysWhatIsWrong() {
        assertThatCode(() -> verify(Map.of("pairdb.coordinator.speculation", "p99.9,20ms"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.speculation", "sometimes")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessageStartingWith("invalid configuration pairdb.coordinator.speculation: speculation policy "
                        + "'sometimes'");
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.speculation", "10000000000000000s")))
                .isInstanceOf(ConfigurationError.class).hasMessageContaining("a delay is at most 1 day");
    }

    @Test
    void aValueLimitNoStorageNodeCouldTakeIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.max-value-bytes", "5242880")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.coordinator.max-value-bytes: 5242880 must be between 1 and "
                        + "3145728 (3 MiB): a storage node takes requests of up to 4 MiB, so a larger value could be "
                        + "written to no replica");
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.max-value-bytes", "0")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessageStartingWith("invalid configuration pairdb.coordinator.max-value-bytes: 0 must be between 1 and");
        assertThatCode(() -> verify(Map.of("pairdb.coordinator.max-value-bytes", "3145728"))).doesNotThrowAnyException();
    }

    @Test
    void theDefaultsCannotLoseData() {
        assertThatCode(() -> verify(Map.of())).doesNotThrowAnyException();
    }

    @Test
    void settingsThatMakeLossPossibleAreRefusedNamingTheSettingToChange() {
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology-changes.settle-delay", "1s")))
                .isInstanceOf(ConfigurationError.class)
                .hasMessage("invalid configuration pairdb.topology-changes.settle-delay: PT1S must be at least "
                        + "pairdb.coordinator.write-timeout (PT5S): a write begun on the previous ring epoch may still land "
                        + "on the old replicas only after streaming started");
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.write-timeout", "10s")))
                .hasMessageStartingWith("invalid configuration pairdb.topology-changes.settle-delay: PT5S must be at least "
                        + "pairdb.coordinator.write-timeout (PT10S)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology-changes.stale-after", "15s")))
                .hasMessageStartingWith("invalid configuration pairdb.topology-changes.stale-after: PT15S must be shorter "
                        + "than pairdb.topology-changes.liveness-timeout (PT15S)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology-changes.stale-after", "5s")))
                .hasMessageStartingWith("invalid configuration pairdb.topology-changes.stale-after: PT5S must be longer "
                        + "than pairdb.topology-changes.heartbeat-interval (PT5S)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology-changes.epoch-wait-timeout", "10s")))
                .hasMessageStartingWith("invalid configuration pairdb.topology-changes.epoch-wait-timeout");
        assertThatThrownBy(() -> verify(Map.of("pairdb.topology-changes.storage-timeout", "20s")))
                .hasMessageStartingWith("invalid configuration pairdb.topology-changes.lease: PT30S must be at least twice "
                        + "pairdb.topology-changes.storage-timeout (PT20S)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.hints.ttl", "10d")))
                .hasMessageStartingWith("invalid configuration pairdb.hints.ttl: PT240H must be shorter than "
                        + "pairdb.storage.tombstone-gc-grace (PT240H)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.storage.tombstone-gc-grace", "1d")))
                .hasMessageStartingWith("invalid configuration pairdb.hints.ttl: PT168H must be shorter than "
                        + "pairdb.storage.tombstone-gc-grace (PT24H)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.coordinator.idempotency-ttl", "3d")))
                .hasMessageStartingWith("invalid configuration pairdb.coordinator.idempotency-ttl: PT72H plus "
                        + "pairdb.hints.ttl (PT168H) must be shorter than pairdb.storage.tombstone-gc-grace (PT240H)");
        assertThatCode(() -> verify(Map.of("pairdb.coordinator.idempotency-ttl", "2d"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(Map.of("pairdb.cleanup.grace-period", "6d")))
                .hasMessageStartingWith("invalid configuration pairdb.cleanup.grace-period: PT144H must be at most half "
                        + "of pairdb.storage.tombstone-gc-grace (PT240H)");
        assertThatThrownBy(() -> verify(Map.of("pairdb.repair.period", "10d")))
                .hasMessage("invalid configuration pairdb.repair.period: PT240H must be shorter than "
                        + "pairdb.storage.tombstone-gc-grace (PT240H), or 0 to turn scheduled repair off: a replica that "
                        + "missed a delete must get the tombstone before the others purge it, or the deleted key comes back");
        assertThatThrownBy(() -> verify(Map.of("pairdb.storage.tombstone-gc-grace", "6d", "pairdb.hints.ttl", "1d",
                "pairdb.cleanup.grace-period", "1d")))
                .as("the default period of 7 days against a shorter grace")
                .hasMessageStartingWith("invalid configuration pairdb.repair.period: PT168H must be shorter than "
                        + "pairdb.storage.tombstone-gc-grace (PT144H)");
        assertThatCode(() -> verify(Map.of("pairdb.storage.tombstone-gc-grace", "6d", "pairdb.hints.ttl", "1d",
                "pairdb.cleanup.grace-period", "1d", "pairdb.repair.period", "0s"))).as("0 turns it off")
                .doesNotThrowAnyException();
        assertThatCode(() -> verify(Map.of("pairdb.repair.period", "9d"))).doesNotThrowAnyException();
    }

    @Test
    void everySettingOfEveryPropertiesClassIsChecked() throws Exception {
        Path configPackage = Path.of("target", "classes", "io", "pairdb", "app", "config");
        List<Class<?>> propertiesClasses = new ArrayList<>();
        try (Stream<Path> files = Files.list(configPackage)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName("io.pairdb.app.config." + name);
                if (type.isAnnotationPresent(ConfigurationProperties.class)) {
                    propertiesClasses.add(type);
                }
            }
        }
        assertThat(propertiesClasses).isNotEmpty();
        List<String> prefixes = propertiesClasses.stream().map(t -> t.getAnnotation(ConfigurationProperties.class).value())
                .toList();
        for (Class<?> type : propertiesClasses) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            long setters = Stream.of(type.getMethods()).filter(m -> m.getName().startsWith("set")).count();
            // a key belongs to the class with the longest prefix (pairdb.security.tls.* is not pairdb.security's)
            assertThat(ConfigurationCheck.keys().keySet().stream().filter(k -> k.startsWith(prefix + ".")
                    && prefixes.stream().noneMatch(other -> other.length() > prefix.length() && k.startsWith(other + "."))))
                    .as("settings of %s checked by ConfigurationCheck (add the class to its list)", type.getSimpleName())
                    .hasSize((int) setters);
        }
    }

    @Test
    void aStartupFailureIsDescribedInOneLine() {
        var wrapped = new IllegalStateException("Bean definition could not be loaded",
                new ConfigurationError("pairdb.coordinator.node-id", "must be 1-64 characters"));
        assertThat(StartupFailure.describe(wrapped)).isEqualTo("invalid configuration pairdb.coordinator.node-id: must be 1-64 characters");

        var pool = new RuntimeException("Failed to initialize pool: Connection to localhost:5432 refused.",
                new ConnectException("Connection refused"));
        assertThat(StartupFailure.describe(new BeanContextException("Error instantiating bean of type [javax.sql.DataSource]", pool)))
                .isEqualTo("Failed to initialize pool: Connection to localhost:5432 refused.");
    }
}
