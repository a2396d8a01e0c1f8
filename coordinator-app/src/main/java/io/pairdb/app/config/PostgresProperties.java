package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.postgres.*}: how long a PostgreSQL connection may take to open, stay silent and
 * run a statement. Every wait on the request path ends by the request's deadline anyway; these
 * bound the threads and connections behind those waits.
 */
@ConfigurationProperties("pairdb.postgres")
public class PostgresProperties {
    /** To open a connection and log in. */
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** A read on a connection may block this long: a server gone without closing the connection. */
    private Duration socketTimeout = Duration.ofSeconds(60);
    /** The server cancels a statement still running after this. */
    private Duration statementTimeout = Duration.ofSeconds(30);

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getSocketTimeout() {
        return socketTimeout;
    }

    public void setSocketTimeout(Duration socketTimeout) {
        this.socketTimeout = socketTimeout;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }
}
