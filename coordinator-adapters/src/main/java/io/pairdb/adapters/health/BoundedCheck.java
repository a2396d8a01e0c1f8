package io.pairdb.adapters.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a blocking health probe on its own virtual thread and answers within a bound: a
 * dependency that hangs (a JDBC pool waiting 30 s for a connection) makes the check DOWN
 * after {@code timeout} instead of making the probe itself time out. At most one probe per
 * check runs at a time; while a hung one is still running, the check is DOWN at once. A check
 * that turns DOWN is logged once with why (the readiness answer shows it only where its details
 * are visible), and once when it is UP again.
 */
final class BoundedCheck {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedCheck.class);
    private final String name;
    private final Duration timeout;
    private final Executor executor;
    private final Consumer<Boolean> outcomes;
    private final AtomicReference<CompletableFuture<HealthResult>> running = new AtomicReference<>();
    /** Whether the last answer was UP; null before the first. */
    private final AtomicReference<Boolean> lastUp = new AtomicReference<>();

    /** {@code outcomes} hears whether each check, as answered, found the dependency UP. */
    BoundedCheck(String name, Duration timeout, Consumer<Boolean> outcomes) {
        this.name = Objects.requireNonNull(name, "name");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.executor = task -> Thread.ofVirtual().name("pairdb-health-" + name).start(task);
    }

    Duration timeout() {
        return timeout;
    }

    /** {@code probe} returns the details of an UP result, or throws to say DOWN. */
    Publisher<HealthResult> run(Callable<Map<String, Object>> probe) {
        CompletableFuture<HealthResult> previous = running.get();
        if (previous != null && !previous.isDone()) {
            return answered(down("the previous check has not finished after more than " + timeout));
        }
        CompletableFuture<HealthResult> attempt = new CompletableFuture<>();
        if (!running.compareAndSet(previous, attempt)) {
            return answered(down("another check is running"));
        }
        executor.execute(() -> {
            try {
                attempt.complete(HealthResult.builder(name, HealthStatus.UP).details(probe.call()).build());
            } catch (Exception e) {
                attempt.complete(down(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            }
        });
        return Publishers.fromCompletableFuture(
                attempt.copy().completeOnTimeout(down("no answer within " + timeout), timeout.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((result, error) ->
                        report(error == null ? result : down(String.valueOf(error)))));
    }

    private Publisher<HealthResult> answered(HealthResult result) {
        report(result);
        return Publishers.just(result);
    }

    private void report(HealthResult result) {
        boolean up = result.getStatus() == HealthStatus.UP;
        outcomes.accept(up);
        Boolean before = lastUp.getAndSet(up);
        if (up && Boolean.FALSE.equals(before)) {
            LOG.atInfo().addKeyValue("event", "readiness_check_up").addKeyValue("check", name)
                    .log("readiness check {} is UP again", name);
        } else if (!up && !Boolean.FALSE.equals(before)) {
            Object error = result.getDetails() instanceof Map<?, ?> details ? details.get("error") : null;
            LOG.atWarn().addKeyValue("event", "readiness_check_down").addKeyValue("check", name)
                    .log("readiness check {} is DOWN: {}", name, error);
        }
    }

    HealthResult down(String error) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("error", error);
        return HealthResult.builder(name, HealthStatus.DOWN).details(details).build();
    }
}
