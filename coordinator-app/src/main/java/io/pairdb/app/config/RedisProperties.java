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
    /** An ACL user (Redis 6+); unset, the password is the {@code default} user's. */
    private String username;
    /** The CA bundle (PEM) a {@code rediss://} server's certificate is verified against. */
    private String caFile;

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getCaFile() {
        return caFile;
    }

    public void setCaFile(String caFile) {
        this.caFile = caFile;
    }

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
