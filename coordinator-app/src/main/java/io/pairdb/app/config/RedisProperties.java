package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.redis.*}: the idempotency store. */
@ConfigurationProperties("pairdb.redis")
public class RedisProperties {
    private String uri = "redis://localhost:6379";
    private Duration timeout = Duration.ofMillis(500);
    /** Kept apart from the URI so the URI can live in a ConfigMap and the password in a Secret. */
    private String password;

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
