package io.pairdb.adapters.security;

import io.pairdb.core.security.Requirement;
import io.pairdb.core.tenant.TenantId;
import java.util.Objects;
import java.util.function.Function;

/** What one RPC needs from its caller (see {@link CallPermissions}). */
public sealed interface CallRule {

    /** Whether calls of this RPC are admin calls, each written to the audit log. */
    boolean audited();

    /** No credentials needed or looked at (health checks). */
    record Open() implements CallRule {
        @Override
        public boolean audited() {
            return false;
        }
    }

    /** The same requirement whatever the request says. */
    record Fixed(Requirement requirement, boolean audited) implements CallRule {
        public Fixed {
            Objects.requireNonNull(requirement, "requirement");
        }
    }

    /**
     * A requirement on the tenant the request names in its {@code tenant_id} field, decided once
     * the request has arrived and before the handler sees it.
     */
    record PerTenant(Function<TenantId, Requirement> requirement, boolean audited) implements CallRule {
        public PerTenant {
            Objects.requireNonNull(requirement, "requirement");
        }
    }
}
