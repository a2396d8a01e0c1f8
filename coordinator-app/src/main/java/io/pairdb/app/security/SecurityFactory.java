package io.pairdb.app.security;

import static io.pairdb.app.config.ConfigurationError.checked;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.pairdb.adapters.runtime.SecureRandomBytes;
import io.pairdb.adapters.security.CallPermissions;
import io.pairdb.adapters.security.CallSecurity;
import io.pairdb.adapters.security.CertificateIdentity;
import io.pairdb.adapters.security.ServerTls;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.SecurityProperties;
import io.pairdb.app.config.TlsProperties;
import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.RandomBytes;
import io.pairdb.core.security.Authenticate;
import io.pairdb.core.security.Authorize;
import io.pairdb.core.security.Grants;
import io.pairdb.core.security.ManageApiKeys;
import io.pairdb.core.security.Permission;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds authentication, authorization and TLS from {@code pairdb.security.*}. The interceptor
 * ({@link CallSecurity}) is a {@code ServerInterceptor} bean, so the gRPC server applies it to
 * every service; TLS is set on the server by {@link GrpcTransportSecurity}.
 */
@Factory
public class SecurityFactory {

    /** Whether callers must authenticate: {@code required} (the default) or {@code off}. */
    static boolean authenticationRequired(SecurityProperties p) {
        return switch (p.getAuthentication() == null ? "" : p.getAuthentication().strip().toLowerCase()) {
            case "required" -> true;
            case "off" -> false;
            default -> throw new ConfigurationError("pairdb.security.authentication",
                    "must be required or off, was '" + p.getAuthentication() + "'");
        };
    }

    @Singleton
    RandomBytes randomBytes() {
        return new SecureRandomBytes();
    }

    @Singleton
    Authenticate authenticate(ApiKeyStore store, Clock clock, SecurityProperties p) {
        Map<String, Grants> identities = identities(p.getIdentities());
        return checked("pairdb.security", () -> new Authenticate(store, clock, identities,
                new Authenticate.Settings(p.getKeyCacheTtl(), p.getMaxCachedKeys(), p.getMaxKeyLookups(),
                        p.getKeyLookupWait())));
    }

    @Singleton
    Authorize authorize() {
        return new Authorize();
    }

    @Singleton
    ManageApiKeys manageApiKeys(ApiKeyStore store, Clock clock, RandomBytes random, Authenticate authenticate) {
        return new ManageApiKeys(store, clock, random, authenticate);
    }

    @Singleton
    CallSecurity callSecurity(Authenticate authenticate, Authorize authorize, SecurityProperties p, Clock clock) {
        CertificateIdentity identity;
        try {
            identity = CertificateIdentity.parse(p.getCertificateIdentity());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("pairdb.security.certificate-identity", e.getMessage());
        }
        return new CallSecurity(CallPermissions.standard(), authenticate, authorize, authenticationRequired(p), identity,
                adminPort(p), clock);
    }

    /** The settings of TLS on the gRPC port; empty when no certificate file is configured. */
    static Optional<ServerTls.Settings> tlsSettings(TlsProperties p) {
        if (blank(p.getCertFile())) {
            if (!blank(p.getKeyFile()) || !blank(p.getClientCaFile())) {
                throw new ConfigurationError("pairdb.security.tls.cert-file",
                        "is required when a key file or client CA file is set");
            }
            return Optional.empty();
        }
        if (blank(p.getKeyFile())) {
            throw new ConfigurationError("pairdb.security.tls.key-file", "is required with a certificate file");
        }
        Optional<Path> clientCa = blank(p.getClientCaFile()) ? Optional.empty() : Optional.of(Path.of(p.getClientCaFile()));
        ServerTls.ClientCertificates clients;
        try {
            clients = blank(p.getClientCertificates())
                    ? (clientCa.isPresent() ? ServerTls.ClientCertificates.OPTIONAL : ServerTls.ClientCertificates.NONE)
                    : ServerTls.ClientCertificates.parse(p.getClientCertificates());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("pairdb.security.tls.client-certificates", e.getMessage());
        }
        return checked("pairdb.security.tls", () -> Optional.of(new ServerTls.Settings(Path.of(p.getCertFile()),
                Path.of(p.getKeyFile()), clientCa, clients, p.getRefreshInterval())));
    }

    @Singleton
    @Bean(preDestroy = "close")
    // not blank: an empty setting (an unset chart value, PAIRDB_SECURITY_TLS_CERT_FILE=) means no certificate
    @Requires(property = "pairdb.security.tls.cert-file", pattern = "(?s).*\\S.*")
    ServerTls serverTls(TlsProperties p) {
        ServerTls.Settings settings = tlsSettings(p).orElseThrow();
        // one daemon thread re-reads the files; closing the ServerTls cancels its tasks
        ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("pairdb-tls-reload").daemon(true).factory());
        try {
            return ServerTls.start(settings, reloads);
        } catch (IllegalArgumentException e) {
            reloads.shutdownNow();
            throw new ConfigurationError("pairdb.security.tls", e.getMessage());
        }
    }

    /** {@code pairdb.security.admin-port}, when set and not blank. */
    public static OptionalInt adminPort(SecurityProperties p) {
        String value = p.getAdminPort() == null ? "" : p.getAdminPort().strip();
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationError("pairdb.security.admin-port", "must be a port number 1-65535, was '" + value + "'");
        }
        return OptionalInt.of(port);
    }

    /** Parses {@code NAME=PERMISSION [PERMISSION…]} entries; a name given twice gets both lists. */
    static Map<String, Grants> identities(List<String> entries) {
        Map<String, Grants> grants = new HashMap<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new ConfigurationError("pairdb.security.identities", "'" + entry
                        + "' is not NAME=PERMISSION [PERMISSION...] (e.g. spiffe://pairdb/ops=cluster:admin)");
            }
            String name = entry.substring(0, eq).strip();
            try {
                var permissions = Permission.parseAll(Arrays.stream(entry.substring(eq + 1).strip().split("\\s+")).toList());
                grants.merge(name, new Grants(permissions), (a, b) -> a.plus(b.permissions()));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationError("pairdb.security.identities", e.getMessage());
            }
        }
        return grants;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
