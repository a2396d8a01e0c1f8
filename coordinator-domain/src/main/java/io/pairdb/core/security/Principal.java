package io.pairdb.core.security;

import java.util.Objects;

/**
 * Who is calling, as authentication established it, with what it holds.
 *
 * @param name how logs, audit lines and records name it: {@code key:ID} for an API key,
 *             {@code cert:NAME} for a client certificate, {@code anonymous} with authentication off
 * @param label what else helps a reader recognise it (an API key's name); may be empty
 */
public record Principal(String name, String label, Grants grants) {
    public static final Principal ANONYMOUS = new Principal("anonymous", "authentication off", Grants.of(Permission.CLUSTER_ADMIN));

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(grants, "grants");
    }

    /** The name, with the label when there is one: {@code key:k2x…(billing)}. */
    @Override
    public String toString() {
        return label.isEmpty() ? name : name + " (" + label + ")";
    }
}
