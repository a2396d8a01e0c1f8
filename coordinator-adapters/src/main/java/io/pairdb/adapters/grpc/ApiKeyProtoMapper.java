package io.pairdb.adapters.grpc;

import io.pairdb.core.security.ApiKey;

/** {@link ApiKey} and its proto; never carries a secret (the one token is set by the endpoint). */
final class ApiKeyProtoMapper {
    private ApiKeyProtoMapper() {
    }

    static io.pairdb.proto.admin.v1.ApiKey toProto(ApiKey key) {
        var b = io.pairdb.proto.admin.v1.ApiKey.newBuilder()
                .setKeyId(key.id().value())
                .setName(key.name())
                .addAllGrants(key.grants().names())
                .setCreatedAt(AdminProtoMapper.timestamp(key.createdAt()))
                .setCreatedBy(key.createdBy());
        key.expiresAt().ifPresent(at -> b.setExpiresAt(AdminProtoMapper.timestamp(at)));
        key.revoked().ifPresent(r -> b.setRevokedAt(AdminProtoMapper.timestamp(r.at())).setRevokedBy(r.by()));
        return b.build();
    }
}
