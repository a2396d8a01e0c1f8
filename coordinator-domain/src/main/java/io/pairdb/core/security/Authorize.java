package io.pairdb.core.security;

import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * May this principal make this call? The decision depends only on the principal's grants and the
 * call's requirement, never on what exists: a caller without a grant on a tenant gets the same
 * denial whether the tenant exists or not, so tenant names do not leak. Stateless and thread-safe.
 */
public final class Authorize {

    /** The outcome of a decision. */
    public sealed interface Decision {
        record Allowed() implements Decision {
        }

        /** {@code needed} is what the caller would have to hold, for the denial's message. */
        record Denied(Requirement needed) implements Decision {
        }
    }

    private static final Decision ALLOWED = new Decision.Allowed();

    public Decision decide(Principal principal, Requirement requirement) {
        Objects.requireNonNull(principal, "principal");
        return switch (Objects.requireNonNull(requirement, "requirement")) {
            case Requirement.Authenticated a -> ALLOWED;
            case Requirement.AnyOf any -> any.permissions().stream().anyMatch(principal.grants()::allows)
                    ? ALLOWED : new Decision.Denied(any);
        };
    }

    /**
     * Whether the principal could be allowed a call that needs {@code perTenant} of the tenant its
     * request names, for some tenant: decided before the request arrives. False only for a caller
     * that every such request would be denied to, whatever it names (no grant on any tenant and no
     * cluster-wide permission that would do).
     */
    public boolean mayForSomeTenant(Principal principal, Function<TenantId, Requirement> perTenant) {
        Objects.requireNonNull(principal, "principal");
        Grants grants = principal.grants();
        return switch (perTenant.apply(ANY_TENANT)) {
            case Requirement.Authenticated a -> true;
            // a tenant permission is held for some tenant when one of its kind is held for any
            case Requirement.AnyOf any -> any.permissions().stream().anyMatch(needed -> grants.allows(needed)
                    || (needed instanceof Permission.TenantRead || needed instanceof Permission.TenantWrite)
                    && grants.permissions().stream().anyMatch(needed.getClass()::isInstance));
        };
    }

    /** A tenant to ask a per-tenant requirement about: only the kind of what it needs matters. */
    private static final TenantId ANY_TENANT = new TenantId("any-tenant");

    /** The tenants of the list the principal may see (see {@link Grants#sees}), in the list's order. */
    public List<Tenant> visible(Principal principal, List<Tenant> tenants) {
        return tenants.stream().filter(t -> principal.grants().sees(t.id())).toList();
    }
}
