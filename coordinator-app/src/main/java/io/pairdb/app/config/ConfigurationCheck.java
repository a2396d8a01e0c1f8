package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.value.PropertyResolver;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.SpeculationPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that every {@code pairdb.*} setting that is set can be read as its type, before
 * anything connects anywhere: Micronaut would otherwise report a bad value only when the bean
 * that reads it is made, after the database pool has started, in a message of many lines.
 * The keys and types come from the {@code @ConfigurationProperties} classes' setters, plus the
 * few settings read with {@code @Value}.
 */
public final class ConfigurationCheck {
    /** Every {@code @ConfigurationProperties} class of this package; a test fails when one is missing. */
    private static final List<Class<?>> PROPERTIES = List.of(CoordinatorProperties.class, TenantProperties.class,
            RedisProperties.class, ShutdownProperties.class, HintsProperties.class, FailureDetectorProperties.class,
            TopologyChangeProperties.class, CleanupProperties.class, PostgresProperties.class, RepairProperties.class,
            SecurityProperties.class, TlsProperties.class, StorageProperties.class, StorageNodesProperties.class,
            LimitsProperties.class);
    /** Settings read with {@code @Value} (scheduling, the readiness indicators, the log's budget). */
    private static final Map<String, Class<?>> VALUES = Map.of(
            "pairdb.topology.refresh-interval", Duration.class,
            "pairdb.health.check-timeout", Duration.class,
            "pairdb.health.min-ring-nodes", int.class,
            "pairdb.metrics.store-refresh-interval", Duration.class,
            "pairdb.log.max-lines-per-second", long.class);

    /** A text setting with a syntax of its own, read by {@link SpeculationPolicy#parseSetting}. */
    private static final String SPECULATION = "pairdb.coordinator.speculation";

    private ConfigurationCheck() {
    }

    /** Every checked key and its type. */
    public static Map<String, Class<?>> keys() {
        Map<String, Class<?>> keys = new LinkedHashMap<>();
        for (Class<?> type : PROPERTIES) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            for (Method m : type.getMethods()) {
                if (m.getName().startsWith("set") && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())) {
                    keys.put(prefix + "." + kebab(m.getName().substring(3)), m.getParameterTypes()[0]);
                }
            }
        }
        keys.putAll(VALUES);
        return keys;
    }

    /**
     * Throws a {@link ConfigurationError} naming the first key whose value cannot be read, then the
     * first whose value, with the others, makes losing data possible (see {@link LossSafety}).
     */
    public static void verify(PropertyResolver configuration) {
        verifyLogFormat(System.getenv(LOG_FORMAT));
        keys().forEach((key, type) -> configuration.getProperty(key, String.class)
                .ifPresent(raw -> check(configuration, key, raw, type)));
        verifyValueLimit(configuration);
        LossSafety.verify(configuration);
    }

    private static final String MAX_VALUE_BYTES = "pairdb.coordinator.max-value-bytes";

    /** Throws a {@link ConfigurationError} for a value limit no storage node could take a write of. */
    private static void verifyValueLimit(PropertyResolver configuration) {
        configuration.getProperty(MAX_VALUE_BYTES, Integer.class).ifPresent(bytes -> {
            if (bytes < 1 || bytes > CoordinatorSettings.MAX_VALUE_BYTES_LIMIT) {
                throw new ConfigurationError(MAX_VALUE_BYTES, bytes + " must be between 1 and "
                        + CoordinatorSettings.MAX_VALUE_BYTES_LIMIT + " (3 MiB): a storage node takes requests of up "
                        + "to 4 MiB, so a larger value could be written to no replica");
            }
        });
    }

    /** Read by logback.xml from the environment only: it picks logback-{format}.xml. */
    private static final String LOG_FORMAT = "PAIRDB_LOG_FORMAT";

    /**
     * Throws a {@link ConfigurationError} for a log format logback has no file for: it would leave the
     * coordinator without any log, saying so only in logback's own status lines.
     */
    static void verifyLogFormat(String format) {
        if (format != null && !format.equals("text") && !format.equals("json")) {
            throw new ConfigurationError(LOG_FORMAT, "'" + format + "' is neither text nor json");
        }
    }

    private static void check(PropertyResolver configuration, String key, String raw, Class<?> type) {
        if (key.equals(SPECULATION)) {
            try {
                SpeculationPolicy.parseSetting(raw);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationError(key, e.getMessage());
            }
            return;
        }
        if (type == String.class) {
            return;
        }
        if (type == boolean.class || type == Boolean.class) {
            if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
                throw new ConfigurationError(key, "'" + raw + "' is neither true nor false");
            }
            return;
        }
        Optional<?> value;
        try {
            value = configuration.getProperty(key, type);
        } catch (RuntimeException e) {
            value = Optional.empty();
        }
        if (value.isEmpty()) {
            throw new ConfigurationError(key, "'" + raw + "' is not " + describe(type));
        }
        if (value.get() instanceof Duration d) {
            if (d.isNegative()) {
                throw new ConfigurationError(key, "must not be negative, was " + raw);
            }
            if (d.isZero() && mustBePositive(key)) {
                throw new ConfigurationError(key, "must be a positive duration, was " + raw);
            }
        }
    }

    /**
     * The durations zero cannot mean "none" for: a schedule's interval (the scheduler refuses it) and a
     * check's or a call's timeout (it would always fail). Elsewhere zero is a choice: no cache, no pause,
     * no drain, no scheduled repair.
     */
    private static boolean mustBePositive(String key) {
        return (key.endsWith("interval") || key.endsWith("timeout")) && !key.startsWith("pairdb.postgres.")
                && !key.equals(CHECKPOINT_INTERVAL);
    }

    /** Zero means a checkpoint after every batch a stream copies. */
    private static final String CHECKPOINT_INTERVAL = "pairdb.topology-changes.checkpoint-interval";

    private static String describe(Class<?> type) {
        if (type == Duration.class) {
            return "a duration (examples: 500ms, 5s, 2m, 24h, PT5S)";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        return "a valid " + type.getSimpleName();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
