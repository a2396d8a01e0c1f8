package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.util.List;

/** {@code pairdb.storage-nodes.*}: where storage nodes may be added, and TLS on the channels to them. */
@ConfigurationProperties("pairdb.storage-nodes")
public class StorageNodesProperties {
    /**
     * CIDR ranges, DNS suffixes (leading dot), host names, or {@code *} for any address. The
     * default allows loopback only, so a production deployment has to say where its nodes are.
     */
    private List<String> allowedAddresses = List.of("127.0.0.0/8", "::1/128", "localhost");

    /** The CA bundle node certificates are verified against; set, it turns TLS to the nodes on. */
    private String tlsCaFile;
    /** The coordinator's client certificate for nodes that require one (with {@code tls-key-file}). */
    private String tlsCertFile;
    private String tlsKeyFile;
    private Duration tlsRefreshInterval = Duration.ofMinutes(1);

    public String getTlsCaFile() {
        return tlsCaFile;
    }

    public void setTlsCaFile(String tlsCaFile) {
        this.tlsCaFile = tlsCaFile;
    }

    public String getTlsCertFile() {
        return tlsCertFile;
    }

    public void setTlsCertFile(String tlsCertFile) {
        this.tlsCertFile = tlsCertFile;
    }

    public String getTlsKeyFile() {
        return tlsKeyFile;
    }

    public void setTlsKeyFile(String tlsKeyFile) {
        this.tlsKeyFile = tlsKeyFile;
    }

    public Duration getTlsRefreshInterval() {
        return tlsRefreshInterval;
    }

    public void setTlsRefreshInterval(Duration tlsRefreshInterval) {
        this.tlsRefreshInterval = tlsRefreshInterval;
    }

    public List<String> getAllowedAddresses() {
        return allowedAddresses;
    }

    public void setAllowedAddresses(List<String> allowedAddresses) {
        this.allowedAddresses = allowedAddresses;
    }
}
