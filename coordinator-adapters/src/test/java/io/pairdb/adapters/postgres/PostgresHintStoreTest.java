package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.HintStoreContract;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PostgresHintStoreTest extends HintStoreContract {
    @Override
    protected HintStore emptyStore() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresHintStore.class);
    }

    @Test
    void keepsTokensAboveTheSignedRangeBitForBit() {
        HintStore store = emptyStore();
        NodeId n1 = new NodeId("n1");
        Version version = Version.of(new byte[] {1}, VectorClock.of("c1", 1), 1L);
        store.store(Hint.forWrite(n1, new TenantId("acme"), "top", Token.MAX, version, Instant.EPOCH));
        store.store(Hint.forWrite(n1, new TenantId("acme"), "middle", Token.parseUnsigned("9223372036854775808"),
                version, Instant.EPOCH));
        assertThat(store.pending(n1, 10)).extracting(Hint::token)
                .containsExactly(Token.MAX, Token.parseUnsigned("9223372036854775808"));
    }
}
