package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.adapters.security.Callers;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.ManageApiKeys;
import io.pairdb.core.security.Permission;
import io.pairdb.core.security.Principal;
import io.pairdb.proto.admin.v1.AuthServiceGrpc;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import io.pairdb.proto.admin.v1.ChangeGrantsResponse;
import io.pairdb.proto.admin.v1.CreateApiKeyRequest;
import io.pairdb.proto.admin.v1.CreateApiKeyResponse;
import io.pairdb.proto.admin.v1.ListApiKeysRequest;
import io.pairdb.proto.admin.v1.ListApiKeysResponse;
import io.pairdb.proto.admin.v1.RevokeApiKeyRequest;
import io.pairdb.proto.admin.v1.RevokeApiKeyResponse;
import io.pairdb.proto.admin.v1.WhoAmIRequest;
import io.pairdb.proto.admin.v1.WhoAmIResponse;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** API keys over gRPC. Who may call what is decided before these handlers run (see {@code CallPermissions}). */
@Singleton
public class AuthGrpcEndpoint extends AuthServiceGrpc.AuthServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AuthGrpcEndpoint.class);

    private final ManageApiKeys keys;

    public AuthGrpcEndpoint(ManageApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> observer) {
        respond(observer, "create API key", () -> {
            if (!ApiKey.isValidName(request.getName())) {
                throw GrpcErrors.invalid("INVALID_KEY_NAME",
                        "name must be 1-64 characters of letters, digits, '.', '_' or '-'");
            }
            Set<Permission> grants = permissions(request.getGrantsList());
            Optional<Duration> validFor = Optional.empty();
            if (request.hasValidFor()) {
                validFor = Optional.of(validity(request.getValidFor()));
            }
            ManageApiKeys.Issued issued = keys.issue(request.getName(), grants, validFor, Callers.current());
            LOG.atInfo().addKeyValue("event", "api_key_created").addKeyValue("key_id", issued.key().id())
                    .log("API key {} ({}) created by {} with {}", issued.key().id(), issued.key().name(),
                            issued.key().createdBy(), issued.key().grants());
            return CreateApiKeyResponse.newBuilder().setKey(ApiKeyProtoMapper.toProto(issued.key()))
                    .setToken(issued.token().reveal()).build();
        });
    }

    /** The most a google.protobuf.Duration may hold (about 10 000 years): beyond it the request means nothing. */
    private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

    /** A key's validity: positive, and a well-formed google.protobuf.Duration (so no arithmetic on it overflows). */
    private static Duration validity(com.google.protobuf.Duration validFor) {
        long seconds = validFor.getSeconds();
        int nanos = validFor.getNanos();
        // compared to both bounds, not through Math.abs: the most negative long and int have no positive twin
        boolean wellFormed = seconds >= -MAX_DURATION_SECONDS && seconds <= MAX_DURATION_SECONDS
                && nanos >= -999_999_999 && nanos <= 999_999_999
                && (seconds == 0 || nanos == 0 || (seconds > 0) == (nanos > 0));
        if (!wellFormed) {
            throw GrpcErrors.invalid("INVALID_VALIDITY", "valid_for must be a duration of at most "
                    + MAX_DURATION_SECONDS + " seconds with nanos of the same sign, was " + seconds + " s " + nanos + " ns");
        }
        Duration d = Duration.ofSeconds(seconds, nanos);
        if (d.isNegative() || d.isZero()) {
            throw GrpcErrors.invalid("INVALID_VALIDITY", "valid_for must be positive, was " + d);
        }
        return d;
    }

    @Override
    public void listApiKeys(ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> observer) {
        respond(observer, "list API keys", () -> ListApiKeysResponse.newBuilder()
                .addAllKeys(keys.list().stream().map(ApiKeyProtoMapper::toProto).toList()).build());
    }

    @Override
    public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<RevokeApiKeyResponse> observer) {
        respond(observer, "revoke API key", () -> {
            ApiKeyId id = keyId(request.getKeyId());
            return switch (keys.revoke(id, Callers.current())) {
                case ManageApiKeys.RevokeOutcome.Revoked r -> {
                    LOG.atInfo().addKeyValue("event", "api_key_revoked").addKeyValue("key_id", id)
                            .log("API key {} ({}) revoked by {}", id, r.key().name(), r.key().revoked().orElseThrow().by());
                    yield RevokeApiKeyResponse.newBuilder().setKey(ApiKeyProtoMapper.toProto(r.key())).setRevokedNow(true)
                            .build();
                }
                case ManageApiKeys.RevokeOutcome.AlreadyRevoked r ->
                        RevokeApiKeyResponse.newBuilder().setKey(ApiKeyProtoMapper.toProto(r.key())).build();
                case ManageApiKeys.RevokeOutcome.NotFound n -> throw keyNotFound(id);
            };
        });
    }

    @Override
    public void changeGrants(ChangeGrantsRequest request, StreamObserver<ChangeGrantsResponse> observer) {
        respond(observer, "change grants", () -> {
            ApiKeyId id = keyId(request.getKeyId());
            Set<Permission> add = permissions(request.getAddList());
            Set<Permission> remove = permissions(request.getRemoveList());
            ApiKey key = keys.changeGrants(id, add, remove).orElseThrow(() -> keyNotFound(id));
            LOG.atInfo().addKeyValue("event", "api_key_grants_changed").addKeyValue("key_id", id)
                    .log("API key {} ({}) by {}: now {}", id, key.name(), Callers.current(), key.grants());
            return ChangeGrantsResponse.newBuilder().setKey(ApiKeyProtoMapper.toProto(key)).build();
        });
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> observer) {
        Principal principal = Callers.current();
        observer.onNext(WhoAmIResponse.newBuilder().setPrincipal(principal.name()).setLabel(principal.label())
                .addAllGrants(principal.grants().names()).build());
        observer.onCompleted();
    }

    private static Set<Permission> permissions(List<String> texts) {
        try {
            return Permission.parseAll(texts);
        } catch (IllegalArgumentException e) {
            throw GrpcErrors.invalid("INVALID_PERMISSION", e.getMessage());
        }
    }

    private static ApiKeyId keyId(String text) {
        if (!ApiKeyId.isValid(text)) {
            throw GrpcErrors.invalid("INVALID_KEY_ID", "key_id must be 16 characters of a-z and 2-7, was '" + text + "'");
        }
        return new ApiKeyId(text);
    }

    private static StatusRuntimeException keyNotFound(ApiKeyId id) {
        return GrpcErrors.error(Status.Code.NOT_FOUND, "API_KEY_NOT_FOUND", "there is no API key " + id);
    }

    private static <T> void respond(StreamObserver<T> observer, String op, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(OutcomeErrors.failure(op, "-", e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
