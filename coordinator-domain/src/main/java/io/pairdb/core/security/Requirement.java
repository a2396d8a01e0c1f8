package io.pairdb.core.security;

import java.util.List;
import java.util.Objects;

/** What a call needs from its caller, beyond being authenticated. */
public sealed interface Requirement {

    /** Any authenticated caller; the call itself shows each caller only what it may see. */
    record Authenticated() implements Requirement {
    }

    /** One of these permissions (one is enough). */
    record AnyOf(List<Permission> permissions) implements Requirement {
        public AnyOf {
            permissions = List.copyOf(Objects.requireNonNull(permissions, "permissions"));
            if (permissions.isEmpty()) {
                throw new IllegalArgumentException("a requirement names at least one permission");
            }
        }

        @Override
        public String toString() {
            return String.join(" or ", permissions.stream().map(Permission::toString).toList());
        }
    }

    Requirement AUTHENTICATED = new Authenticated();

    static Requirement needs(Permission permission, Permission... alternatives) {
        var all = new java.util.ArrayList<Permission>();
        all.add(permission);
        all.addAll(List.of(alternatives));
        return new AnyOf(all);
    }
}
