package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.List;

/** {@code pairdb.storage-nodes.*}: where storage nodes may be added. */
@ConfigurationProperties("pairdb.storage-nodes")
public class StorageNodesProperties {
    /**
     * CIDR ranges, DNS suffixes (leading dot), host names, or {@code *} for any address. The
     * default allows loopback only, so a production deployment has to say where its nodes are.
     */
    private List<String> allowedAddresses = List.of("127.0.0.0/8", "::1/128", "localhost");

    public List<String> getAllowedAddresses() {
        return allowedAddresses;
    }

    public void setAllowedAddresses(List<String> allowedAddresses) {
        this.allowedAddresses = allowedAddresses;
    }
}
