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
    /**
     * A probe not answered within this counts as failed. Generous on purpose: a node that is only
     * busy (its answers queued behind a request backlog on a saturated machine) must not be marked
     * DOWN, which turns its writes into hints and its reads away; an unreachable node fails its
     * probes at once (connection refused) whatever this is.
     */
    private Duration timeout = Duration.ofSeconds(2);
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
