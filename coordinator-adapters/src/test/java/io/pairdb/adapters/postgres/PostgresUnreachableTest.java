package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.embedded.FreePorts;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stores against a PostgreSQL that is not there: each call fails as a PairDbException naming its subject. */
class PostgresUnreachableTest {
    private static ApplicationContext context;

    @BeforeAll
    static void pointTheDatasourceAtAClosedPort() {
        int closedPort = FreePorts.pick();
        context = ApplicationContext.run(Map.of(
                "datasources.default.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/pairdb",
                "datasources.default.username", "postgres",
                "datasources.default.password", "",
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                "datasources.default.dialect", "POSTGRES",
                // start without a connection, and give up on one quickly
                "datasources.default.initialization-fail-timeout", "-1",
                "datasources.default.minimum-idle", "0",
                "datasources.default.connection-timeout", "250"));
    }

    @AfterAll
    static void closeContext() {
        context.close();
    }

    @Test
    void tenantCallsFailWithAPairDbExceptionNamingTheTenant() {
        PostgresTenantStore tenants = context.getBean(PostgresTenantStore.class);
        TenantId acme = new TenantId("acme");
        assertThatThrownBy(() -> tenants.find(acme)).isInstanceOf(PairDbException.class)
                .hasFieldOrPropertyWithValue("subject", "tenant acme");
        assertThatThrownBy(tenants::list).isInstanceOf(PairDbException.class);
        assertThatThrownBy(() -> tenants.insert(new Tenant(acme, 3, Instant.EPOCH, Instant.EPOCH, 1)))
                .isInstanceOf(PairDbException.class).hasFieldOrPropertyWithValue("subject", "tenant acme");
    }

    @Test
    void topologyCallsFailWithAPairDbException() {
        PostgresTopologyStore topology = context.getBean(PostgresTopologyStore.class);
        assertThatThrownBy(topology::load).isInstanceOf(PairDbException.class);
        assertThatThrownBy(topology::epoch).isInstanceOf(PairDbException.class);
        assertThatThrownBy(() -> topology.find(new NodeId("n1"))).isInstanceOf(PairDbException.class)
                .hasFieldOrPropertyWithValue("subject", "node n1");
    }

    @Test
    void hintCallsFailWithAPairDbExceptionNamingTheNode() {
        PostgresHintStore hints = context.getBean(PostgresHintStore.class);
        NodeId n1 = new NodeId("n1");
        Hint hint = Hint.forWrite(n1, new TenantId("acme"), "k", Token.forKey("acme", "k"),
                Version.of(new byte[] {1}, VectorClock.of("c1", 1), 1L), Instant.EPOCH);
        assertThatThrownBy(() -> hints.store(hint)).isInstanceOf(PairDbException.class)
                .hasFieldOrPropertyWithValue("subject", "node n1");
        assertThatThrownBy(() -> hints.count(n1)).isInstanceOf(PairDbException.class);
    }
}
