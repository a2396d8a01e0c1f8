package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.failure-detector.*}: how this coordinator probes storage nodes. Every key also
 * reads from its environment variable (PAIRDB_FAILURE_DETECTOR_…).
 */
@ConfigurationProperties("pairdb.failure-detector")
public class FailureDetectorProperties {
    /** Time between two probe rounds. */
    private Duration interval = Duration.ofSeconds(1);
    /** A probe not answered within this counts as failed. */
    private Duration timeout = Duration.ofMillis(500);
    /** Consecutive failed probes after which a node is marked DOWN; one success marks it UP. */
    private int failuresBeforeDown = 3;

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public int getFailuresBeforeDown() {
        return failuresBeforeDown;
    }

    public void setFailuresBeforeDown(int failuresBeforeDown) {
        this.failuresBeforeDown = failuresBeforeDown;
    }
}
