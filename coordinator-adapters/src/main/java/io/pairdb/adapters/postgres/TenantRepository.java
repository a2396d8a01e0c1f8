package io.pairdb.adapters.postgres;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** The reads of {@code tenants}; writes need SQL a derived query cannot express (see {@link PostgresTenantStore}). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface TenantRepository extends GenericRepository<TenantRow, String> {
    Optional<TenantRow> findById(String tenantId);

    List<TenantRow> listOrderByTenantId();
}
