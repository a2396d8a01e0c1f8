package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.pairdb.core.security.Authenticate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code pairdb.security.*}: who may call the coordinator (TLS is {@link TlsProperties}). */
@ConfigurationProperties("pairdb.security")
public class SecurityProperties {
    private String authentication = "required";
    private String certificateIdentity = "san-uri";
    private List<String> identities = new ArrayList<>();
    private Duration keyCacheTtl = Duration.ofSeconds(10);
    private int maxCachedKeys = 10_000;
    private int maxKeyLookups = Authenticate.Settings.DEFAULT_MAX_LOOKUPS;
    private Duration keyLookupWait = Authenticate.Settings.DEFAULT_LOOKUP_WAIT;
    private String bootstrapTokenFile;
    private boolean reflection = true;
    private String adminPort;

    /** {@code required} (the default) or {@code off}. */
    public String getAuthentication() {
        return authentication;
    }

    public void setAuthentication(String authentication) {
        this.authentication = authentication;
    }

    /** How a client certificate names its holder: {@code san-uri} or {@code cn}. */
    public String getCertificateIdentity() {
        return certificateIdentity;
    }

    public void setCertificateIdentity(String certificateIdentity) {
        this.certificateIdentity = certificateIdentity;
    }

    /** {@code NAME=PERMISSION [PERMISSION…]}: the grants of a client certificate name. */
    public List<String> getIdentities() {
        return identities;
    }

    public void setIdentities(List<String> identities) {
        this.identities = identities;
    }

    public Duration getKeyCacheTtl() {
        return keyCacheTtl;
    }

    public void setKeyCacheTtl(Duration keyCacheTtl) {
        this.keyCacheTtl = keyCacheTtl;
    }

    public int getMaxCachedKeys() {
        return maxCachedKeys;
    }

    public void setMaxCachedKeys(int maxCachedKeys) {
        this.maxCachedKeys = maxCachedKeys;
    }

    /** Most API keys looked up in PostgreSQL at once (the rest wait for their turn). */
    public int getMaxKeyLookups() {
        return maxKeyLookups;
    }

    public void setMaxKeyLookups(int maxKeyLookups) {
        this.maxKeyLookups = maxKeyLookups;
    }

    /** How long a call whose key must be looked up waits for its turn before it is refused UNAVAILABLE. */
    public Duration getKeyLookupWait() {
        return keyLookupWait;
    }

    public void setKeyLookupWait(Duration keyLookupWait) {
        this.keyLookupWait = keyLookupWait;
    }

    /** A file holding the token of the first admin key, created at start unless it exists. */
    public String getBootstrapTokenFile() {
        return bootstrapTokenFile;
    }

    public void setBootstrapTokenFile(String bootstrapTokenFile) {
        this.bootstrapTokenFile = bootstrapTokenFile;
    }

    /** Whether gRPC server reflection is served (to callers with cluster:read). */
    public boolean isReflection() {
        return reflection;
    }

    public void setReflection(boolean reflection) {
        this.reflection = reflection;
    }

    /**
     * A second gRPC port for the admin API; unset or blank: admin calls share the main port. A
     * string, so that a blank setting (an unset chart value) is no port rather than a failed start.
     */
    public String getAdminPort() {
        return adminPort;
    }

    public void setAdminPort(String adminPort) {
        this.adminPort = adminPort;
    }
}
