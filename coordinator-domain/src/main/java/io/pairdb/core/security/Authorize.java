package io.pairdb.core.security;

import io.pairdb.core.tenant.Tenant;
import java.util.List;
import java.util.Objects;

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

    /** The tenants of the list the principal may see (see {@link Grants#sees}), in the list's order. */
    public List<Tenant> visible(Principal principal, List<Tenant> tenants) {
        return tenants.stream().filter(t -> principal.grants().sees(t.id())).toList();
    }
}
