package io.pairdb.adapters.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import io.pairdb.adapters.grpc.GrpcErrors;
import io.pairdb.core.PairDbException;
import io.pairdb.core.port.Clock;
import io.pairdb.core.security.Authenticate;
import io.pairdb.core.security.Authorize;
import io.pairdb.core.security.Credentials;
import io.pairdb.core.security.Principal;
import io.pairdb.core.security.Requirement;
import io.pairdb.core.tenant.TenantId;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call (an API key as a bearer token, else the client certificate the TLS
 * handshake verified) and lets it through only when {@link CallPermissions} says its caller may
 * make it; the principal goes into the call's {@link Context} for the handlers
 * ({@link Callers#current()}). Refusals are {@code UNAUTHENTICATED} (with why) or
 * {@code PERMISSION_DENIED} (reason {@code PERMISSION_DENIED}, whatever exists). Admin calls
 * are written to the audit log. With authentication off every caller is
 * {@link Principal#ANONYMOUS}, which may do everything.
 */
public final class CallSecurity implements ServerInterceptor, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(CallSecurity.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";
    /** The ErrorInfo reason of a call whose connection's client certificate is past its validity. */
    static final String CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED";
    // after the request log (order 0), so that refusals are logged like every other failure
    private static final int ORDER = 100;

    private final CallPermissions permissions;
    private final Authenticate authenticate;
    private final Authorize authorize;
    private final boolean required;
    private final CertificateIdentity identity;
    private final OptionalInt adminPort;
    private final Clock clock;

    /**
     * @param authenticate how callers are authenticated; ignored when {@code required} is false
     * @param identity how a client certificate names its holder
     * @param adminPort when set, admin calls are taken on this port only, and data-plane calls not on it
     * @param clock against which a client certificate's validity is checked at every call (a connection
     *              outlives the handshake that checked it)
     */
    public CallSecurity(CallPermissions permissions, Authenticate authenticate, Authorize authorize, boolean required,
                        CertificateIdentity identity, OptionalInt adminPort, Clock clock) {
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
        this.authorize = Objects.requireNonNull(authorize, "authorize");
        this.required = required;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.adminPort = Objects.requireNonNull(adminPort, "adminPort");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Whether this call's caller can be established without waiting on the key store (so the
     * call may stay on a Netty event loop).
     */
    public boolean decidesWithoutBlocking(ServerCall<?, ?> call, Metadata headers) {
        Optional<CallRule> rule = permissions.ruleFor(call.getMethodDescriptor().getFullMethodName());
        if (!required || rule.isEmpty() || rule.get() instanceof CallRule.Open) {
            return true;
        }
        return credentials(call, headers).map(authenticate::answersFromMemory).orElse(true);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<CallRule> found = permissions.ruleFor(method);
        if (found.isEmpty()) {
            LOG.error("{} has no entry in the permission table; refused to every caller", method);
            return refuse(call, GrpcErrors.error(Status.Code.PERMISSION_DENIED, "NO_PERMISSION_RULE",
                    method + " has no permission rule on this coordinator, so nobody may call it"));
        }
        CallRule rule = found.get();
        Optional<StatusRuntimeException> wrongPort = portCheck(call, rule);
        if (wrongPort.isPresent()) {
            return refuse(call, wrongPort.get());
        }
        if (rule instanceof CallRule.Open) {
            return next.startCall(call, headers);
        }
        AtomicReference<Object> request = new AtomicReference<>();
        AtomicReference<String> who = new AtomicReference<>(Callers.NOBODY.name());
        ServerCall<Q, R> served = rule.audited() ? audited(call, method, who, request) : call;

        Principal principal;
        try {
            principal = principal(served, headers);
        } catch (StatusRuntimeException refused) {
            // At once, without the request: a call counts against the load bound until it is answered, so waiting
            // for a message a stranger need never send would let anyone who reaches the port fill the bound. The
            // audit line of such a refusal names no target.
            return refuse(served, refused);
        }
        who.set(principal.toString());
        if (rule instanceof CallRule.PerTenant perTenant && !authorize.mayForSomeTenant(principal, perTenant.requirement())) {
            // denied whatever tenant the request names: at once, as a stranger is, not after holding a place in the
            // load bound for as long as the caller keeps from sending the request
            return refuse(served, GrpcErrors.error(Status.Code.PERMISSION_DENIED, "PERMISSION_DENIED", principal
                    + " may not call " + method + ": it needs a grant on the tenant its request names, and holds"
                    + " none that would do on any tenant", Map.of("principal", principal.name())));
        }
        if (rule instanceof CallRule.Fixed fixed) {
            Optional<StatusRuntimeException> denied = check(principal, fixed.requirement(), method);
            if (denied.isPresent()) {
                return rule.audited() ? refuseOnRequest(served, denied.get(), request) : refuse(served, denied.get());
            }
        }
        Context context = Context.current().withValue(Callers.PRINCIPAL, principal);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, served, headers, next);
        return new Guard<>(listener, served, request, rule instanceof CallRule.PerTenant perTenant
                ? message -> tenantCheck(principal, perTenant, method, message) : message -> Optional.empty());
    }

    /** With a separate admin port: admin calls there only, data-plane calls anywhere else. */
    private Optional<StatusRuntimeException> portCheck(ServerCall<?, ?> call, CallRule rule) {
        if (adminPort.isEmpty() || rule instanceof CallRule.Open) {
            return Optional.empty();
        }
        boolean onAdminPort = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR) instanceof InetSocketAddress local
                && local.getPort() == adminPort.getAsInt();
        String method = call.getMethodDescriptor().getFullMethodName();
        if (rule.audited() && !onAdminPort) {
            return Optional.of(GrpcErrors.error(Status.Code.PERMISSION_DENIED, "ADMIN_PORT_ONLY",
                    method + " is an admin call, served on the admin port " + adminPort.getAsInt() + " only"));
        }
        if (!rule.audited() && rule instanceof CallRule.PerTenant && onAdminPort) {
            return Optional.of(GrpcErrors.error(Status.Code.PERMISSION_DENIED, "NOT_ON_ADMIN_PORT",
                    method + " is a data-plane call, not served on the admin port"));
        }
        return Optional.empty();
    }

    private Principal principal(ServerCall<?, ?> call, Metadata headers) {
        if (!required) {
            return Principal.ANONYMOUS;
        }
        Credentials credentials = credentials(call, headers).orElseThrow(() -> unauthenticated(
                Authenticate.Reason.INVALID_CREDENTIALS.name(), "the authorization header must be 'Bearer <token>'"));
        if (credentials instanceof Credentials.ClientCertificate) {
            outOfDate(call).ifPresent(refusal -> {
                throw refusal;
            });
        }
        Authenticate.Outcome outcome;
        try {
            outcome = authenticate.authenticate(credentials);
        } catch (PairDbException e) {
            LOG.warn("could not authenticate a caller of {}: {}", call.getMethodDescriptor().getFullMethodName(),
                    e.getMessage());
            throw GrpcErrors.error(Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE",
                    "could not check the API key: " + e.getMessage());
        }
        return switch (outcome) {
            case Authenticate.Outcome.Authenticated a -> a.principal();
            case Authenticate.Outcome.Rejected r -> throw unauthenticated(r.reason().name(), r.message());
        };
    }

    /**
     * Why the client certificate of the call's connection no longer counts, if it does not: the TLS
     * handshake checked it when the connection opened, and a connection lives for up to
     * {@code max-connection-age}.
     */
    private Optional<StatusRuntimeException> outOfDate(ServerCall<?, ?> call) {
        Optional<X509Certificate> leaf = peerCertificate(call);
        long now = clock.nowMillis();
        // (one not yet valid never got through the handshake)
        if (leaf.isPresent() && leaf.get().getNotAfter().getTime() < now) {
            return Optional.of(unauthenticated(CERTIFICATE_EXPIRED, "the client certificate expired at "
                    + leaf.get().getNotAfter().toInstant() + "; connect again with a current one"));
        }
        return Optional.empty();
    }

    private static Optional<X509Certificate> peerCertificate(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            // TLS without a client certificate
            return Optional.empty();
        }
    }

    /** What the caller presented; empty when its authorization header is not a bearer token. */
    private Optional<Credentials> credentials(ServerCall<?, ?> call, Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Optional.empty();
            }
            return Optional.of(new Credentials.BearerToken(authorization.substring(BEARER.length()).strip()));
        }
        return Optional.of(peerCertificate(call).flatMap(identity::of).<Credentials>map(Credentials.ClientCertificate::new)
                .orElse(Credentials.NONE));
    }

    private Optional<StatusRuntimeException> tenantCheck(Principal principal, CallRule.PerTenant rule, String method,
                                                         Object message) {
        String tenant = CallPermissions.tenantOf(message);
        if (!TenantId.isValid(tenant)) {
            // names no tenant, so nothing can leak: the handler refuses it as INVALID_ARGUMENT
            return Optional.empty();
        }
        return check(principal, rule.requirement().apply(new TenantId(tenant)), method);
    }

    private Optional<StatusRuntimeException> check(Principal principal, Requirement requirement, String method) {
        return switch (authorize.decide(principal, requirement)) {
            case Authorize.Decision.Allowed a -> Optional.empty();
            case Authorize.Decision.Denied d -> Optional.of(GrpcErrors.error(Status.Code.PERMISSION_DENIED,
                    "PERMISSION_DENIED", principal + " may not call " + method + ": it needs " + d.needed(),
                    Map.of("principal", principal.name(), "needs", d.needed().toString())));
        };
    }

    private static StatusRuntimeException unauthenticated(String reason, String message) {
        return GrpcErrors.error(Status.Code.UNAUTHENTICATED, reason, message);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException error) {
        call.close(error.getStatus(), trailers(error));
        return new ServerCall.Listener<>() {
        };
    }

    /**
     * Refuses once the request has arrived, so that the audit line can say what it was about. Only for
     * callers who proved who they are: the call holds its place in the load bound until then.
     */
    private static <Q, R> ServerCall.Listener<Q> refuseOnRequest(ServerCall<Q, R> call, StatusRuntimeException error,
                                                               AtomicReference<Object> request) {
        call.request(1);
        return new ServerCall.Listener<>() {
            private boolean closed;

            @Override
            public void onMessage(Q message) {
                request.compareAndSet(null, message);
                onHalfClose();
            }

            @Override
            public void onHalfClose() {
                if (!closed) {
                    closed = true;
                    call.close(error.getStatus(), trailers(error));
                }
            }
        };
    }

    private static <Q, R> ServerCall<Q, R> audited(ServerCall<Q, R> call, String method, AtomicReference<String> who,
                                                  AtomicReference<Object> request) {
        return new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                AuditLog.record(who.get(), method, request.get(), status);
                super.close(status, trailers);
            }
        };
    }

    private static Metadata trailers(StatusRuntimeException error) {
        Metadata trailers = error.getTrailers();
        return trailers != null ? trailers : new Metadata();
    }

    /**
     * Keeps each request for the audit line and, for per-tenant rules, checks it before the
     * handler sees it: a denied request never reaches the handler.
     */
    private static final class Guard<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final AtomicReference<Object> request;
        private final java.util.function.Function<Object, Optional<StatusRuntimeException>> check;
        private boolean denied;

        Guard(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, AtomicReference<Object> request,
              java.util.function.Function<Object, Optional<StatusRuntimeException>> check) {
            super(delegate);
            this.call = call;
            this.request = request;
            this.check = check;
        }

        @Override
        public void onMessage(Q message) {
            if (denied) {
                return;
            }
            request.compareAndSet(null, message);
            Optional<StatusRuntimeException> refusal = check.apply(message);
            if (refusal.isPresent()) {
                denied = true;
                call.close(refusal.get().getStatus(), trailers(refusal.get()));
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!denied) {
                super.onHalfClose();
            }
        }
    }
}
