package io.pairdb.adapters.grpc;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisConnectionException;
import io.pairdb.core.PairDbException;
import io.pairdb.core.PermanentFailureException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What a client is told when PostgreSQL, Redis or a storage node fails under a call: which kind of
 * dependency, with reason DEPENDENCY_UNAVAILABLE, but none of the failure's detail (statements,
 * tables, users, addresses), which goes to the coordinator's log only.
 */
class DependencyFailureStatusTest {

    @Test
    void aPostgresqlFailureIsTheMetadataStoreWithoutItsDetail() {
        SQLException sql = new SQLException("FATAL: password authentication failed for user \"pairdb\" at 10.1.2.3", "28P01");
        StatusRuntimeException e = OutcomeErrors.failure("list changes", "-",
                new PermanentFailureException("change c1", "could not read changes (table pending_changes): "
                        + sql.getMessage(), sql));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reason(e)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(e.getStatus().getDescription())
                .isEqualTo("list changes could not complete: the metadata store (PostgreSQL) is unavailable; "
                        + "the coordinator log has the detail");
    }

    @Test
    void aRedisFailureIsTheIdempotencyStoreWithoutItsDetail() {
        StatusRuntimeException e = OutcomeErrors.failure("write", "t1", new CompletionException(
                new PairDbException("pairdb:idem:t1:abc", "could not claim idempotency key pairdb:idem:t1:abc",
                        new RedisConnectionException("Unable to connect to 10.9.8.7:6379"))));

        assertThat(reason(e)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).isEqualTo("write could not complete: the idempotency store (Redis) "
                + "is unavailable; the coordinator log has the detail");
    }

    @Test
    void anyOtherDependencyFailureIsGeneric() {
        StatusRuntimeException e = OutcomeErrors.failure("add storage node", "-",
                new PairDbException("node n4", "no health answer from 10.0.0.4:7000 within 2s"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reason(e)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).isEqualTo("add storage node could not complete: a storage node or "
                + "another dependency is unavailable; the coordinator log has the detail");
    }
}
