package io.pairdb.app.security;

import io.micronaut.context.annotation.Context;
import io.pairdb.adapters.postgres.PostgresNotificationListener;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.SecurityProperties;
import io.pairdb.app.config.TlsProperties;
import io.pairdb.core.port.Clock;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyToken;
import io.pairdb.core.security.Authenticate;
import io.pairdb.core.security.Grants;
import io.pairdb.core.security.ManageApiKeys;
import io.pairdb.core.security.Permission;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What security settles when the coordinator starts, before it serves: the settings are usable,
 * the bootstrap admin key (from {@code pairdb.security.bootstrap-token-file}) exists, and with
 * authentication required somebody can administer the cluster — a coordinator nobody could ever
 * administer refuses to start and says what to configure. Then it listens for API key changes
 * made through any coordinator, so that this one drops what it cached at once. Authentication
 * off, or TLS off, is allowed only when configured, and is warned about at every start.
 */
@Context
public class SecurityStartup {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityStartup.class);
    static final String BOOTSTRAP_KEY_NAME = "bootstrap-admin";

    private final PostgresNotificationListener listener;

    public SecurityStartup(SecurityProperties security, TlsProperties tls, ManageApiKeys keys, Authenticate authenticate,
                           Clock clock, DataSource dataSource) {
        boolean required = SecurityFactory.authenticationRequired(security);
        boolean tlsOn = SecurityFactory.tlsSettings(tls).isPresent();
        SecurityFactory.identities(security.getIdentities());
        Optional<ApiKeyToken> bootstrap = bootstrapToken(security);
        bootstrap.ifPresent(token -> bootstrapKey(keys, token));
        if (!required) {
            LOG.atWarn().addKeyValue("event", "authentication_off")
                    .log("authentication is OFF (pairdb.security.authentication=off): anyone who reaches the gRPC port"
                            + " reads and writes every tenant and administers the cluster; never run this way in production");
            listener = null;
            return;
        }
        if (bootstrap.isEmpty() && !adminByCertificate(security, tls) && !adminKeyExists(keys, clock)) {
            throw new ConfigurationError("pairdb.security", "authentication is required but no credential can"
                    + " administer the cluster: set pairdb.security.bootstrap-token-file (make a token with"
                    + " `pairdb-admin auth token generate`), or map a client certificate to cluster:admin in"
                    + " pairdb.security.identities with pairdb.security.tls.client-ca-file, or set"
                    + " pairdb.security.authentication=off to run without authentication (not in production)");
        }
        if (!tlsOn) {
            LOG.atWarn().addKeyValue("event", "tls_off")
                    .log("TLS is off on the gRPC port: API keys cross the network in plaintext; set"
                            + " pairdb.security.tls.cert-file and key-file, or terminate TLS in front of the coordinator");
        }
        listener = new PostgresNotificationListener(dataSource, "pairdb_api_keys", "api_key",
                "cached keys are checked again after pairdb.security.key-cache-ttl", authenticate::forgetAll).start();
    }

    private static Optional<ApiKeyToken> bootstrapToken(SecurityProperties security) {
        String file = security.getBootstrapTokenFile();
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new ConfigurationError("pairdb.security.bootstrap-token-file", "cannot read " + file + ": " + e.getMessage());
        }
        return Optional.of(ApiKeyToken.parse(text).orElseThrow(() -> new ConfigurationError(
                "pairdb.security.bootstrap-token-file", file + " does not hold a PairDB token (pairdb_<id>_<secret>);"
                        + " make one with `pairdb-admin auth token generate`")));
    }

    private static void bootstrapKey(ManageApiKeys keys, ApiKeyToken token) {
        switch (keys.ensure(token, BOOTSTRAP_KEY_NAME, Grants.of(Permission.CLUSTER_ADMIN))) {
            case CREATED -> LOG.atInfo().addKeyValue("event", "bootstrap_key_created").addKeyValue("key_id", token.id())
                    .log("bootstrap admin key {} created from pairdb.security.bootstrap-token-file", token.id());
            case PRESENT -> keys.list().stream().filter(k -> k.id().equals(token.id()) && k.revoked().isPresent())
                    .findFirst().ifPresent(k -> LOG.atWarn().addKeyValue("event", "bootstrap_key_revoked")
                            .log("the bootstrap admin key {} was revoked; it stays revoked (remove"
                                    + " pairdb.security.bootstrap-token-file)", k.id()));
        }
    }

    private static boolean adminByCertificate(SecurityProperties security, TlsProperties tls) {
        return tls.getClientCaFile() != null && !tls.getClientCaFile().isBlank()
                && SecurityFactory.identities(security.getIdentities()).values().stream()
                .anyMatch(g -> g.allows(Permission.CLUSTER_ADMIN));
    }

    private static boolean adminKeyExists(ManageApiKeys keys, Clock clock) {
        return keys.list().stream().anyMatch(k -> usable(k, clock) && k.grants().allows(Permission.CLUSTER_ADMIN));
    }

    private static boolean usable(ApiKey key, Clock clock) {
        return key.revoked().isEmpty() && !key.expiredAt(clock.now());
    }

    @PreDestroy
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }
}
