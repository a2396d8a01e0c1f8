package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyToken;
import io.pairdb.core.security.Grants;
import io.pairdb.core.testing.ApiKeyStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PostgresApiKeyStoreTest extends ApiKeyStoreContract {
    @Override
    protected ApiKeyStore emptyStore() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresApiKeyStore.class);
    }

    @Test
    void everyChangeOfAKeyIsAnnouncedToListeners() {
        ApiKeyStore store = emptyStore();
        AtomicInteger heard = new AtomicInteger();
        DataSource dataSource = PostgresTestServer.context().getBean(DataSource.class);
        try (var listener = new PostgresNotificationListener(dataSource, "pairdb_api_keys", "api_key",
                "the key cache TTL covers it", heard::incrementAndGet).start()) {
            // once at connect, for what may have been missed before
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= 1);
            ApiKeyToken token = ApiKeyToken.generate(new byte[ApiKeyToken.ID_BYTES], new byte[ApiKeyToken.SECRET_BYTES]);
            Instant now = Instant.parse("2026-01-02T03:04:05Z");
            store.insert(new ApiKey(token.id(), "ci", Grants.NONE, now, "test", Optional.empty(), Optional.empty()),
                    token.secretHash());
            int beforeRevocation = heard.get();
            store.revoke(token.id(), new ApiKey.Revocation(now, "test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() > beforeRevocation);
        }
    }
}
