package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.security.tls.*}: TLS on the gRPC port, on when a certificate file is set. */
@ConfigurationProperties("pairdb.security.tls")
public class TlsProperties {
    private String certFile;
    private String keyFile;
    private String clientCaFile;
    private String clientCertificates;
    private Duration refreshInterval = Duration.ofMinutes(1);

    public String getCertFile() {
        return certFile;
    }

    public void setCertFile(String certFile) {
        this.certFile = certFile;
    }

    public String getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile;
    }

    public String getClientCaFile() {
        return clientCaFile;
    }

    public void setClientCaFile(String clientCaFile) {
        this.clientCaFile = clientCaFile;
    }

    /** {@code none}, {@code optional} or {@code require}; unset: optional with a client CA, else none. */
    public String getClientCertificates() {
        return clientCertificates;
    }

    public void setClientCertificates(String clientCertificates) {
        this.clientCertificates = clientCertificates;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }
}
