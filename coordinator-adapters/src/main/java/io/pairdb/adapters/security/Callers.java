package io.pairdb.adapters.security;

import io.grpc.Context;
import io.pairdb.core.security.Grants;
import io.pairdb.core.security.Principal;

/** The principal of the call being served, put in the gRPC {@link Context} by {@link CallSecurity}. */
public final class Callers {
    static final Context.Key<Principal> PRINCIPAL = Context.key("pairdb-principal");
    /** What a handler sees when no authentication ran for its call: nobody, holding nothing. */
    static final Principal NOBODY = new Principal("unauthenticated", "", Grants.NONE);

    private Callers() {
    }

    /** The caller of the current call; a principal without grants when none was established. */
    public static Principal current() {
        Principal principal = PRINCIPAL.get();
        return principal != null ? principal : NOBODY;
    }
}
