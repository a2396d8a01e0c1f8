package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.shutdown.*}: how long a stopping coordinator lets accepted requests finish. */
@ConfigurationProperties("pairdb.shutdown")
public class ShutdownProperties {
    private Duration gracePeriod = Duration.ofSeconds(30);

    public Duration getGracePeriod() {
        return gracePeriod;
    }

    public void setGracePeriod(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
    }
}
