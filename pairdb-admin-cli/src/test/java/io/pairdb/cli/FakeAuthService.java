package io.pairdb.cli;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.admin.v1.ApiKey;
import io.pairdb.proto.admin.v1.AuthServiceGrpc;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import io.pairdb.proto.admin.v1.ChangeGrantsResponse;
import io.pairdb.proto.admin.v1.CreateApiKeyRequest;
import io.pairdb.proto.admin.v1.CreateApiKeyResponse;
import io.pairdb.proto.admin.v1.ListApiKeysRequest;
import io.pairdb.proto.admin.v1.ListApiKeysResponse;
import io.pairdb.proto.admin.v1.WhoAmIRequest;
import io.pairdb.proto.admin.v1.WhoAmIResponse;

/** Answers key calls the way the coordinator would, without checking anything. */
final class FakeAuthService extends AuthServiceGrpc.AuthServiceImplBase {
    static final String TOKEN = "pairdb_abcdefghijklmnop_" + "x".repeat(43);
    private static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1_767_225_600L).build();

    volatile CreateApiKeyRequest lastCreate;
    volatile ChangeGrantsRequest lastChange;

    @Override
    public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> observer) {
        lastCreate = request;
        observer.onNext(CreateApiKeyResponse.newBuilder().setKey(key(request.getName(), request.getGrantsList()))
                .setToken(TOKEN).build());
        observer.onCompleted();
    }

    @Override
    public void listApiKeys(ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> observer) {
        observer.onNext(ListApiKeysResponse.newBuilder().addKeys(key("billing", java.util.List.of("tenant:acme:read")))
                .build());
        observer.onCompleted();
    }

    @Override
    public void changeGrants(ChangeGrantsRequest request, StreamObserver<ChangeGrantsResponse> observer) {
        lastChange = request;
        java.util.List<String> grants = new java.util.ArrayList<>(java.util.List.of("tenant:acme:read"));
        grants.addAll(request.getAddList());
        grants.removeAll(request.getRemoveList());
        observer.onNext(ChangeGrantsResponse.newBuilder().setKey(key("billing", grants)).build());
        observer.onCompleted();
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> observer) {
        observer.onNext(WhoAmIResponse.newBuilder().setPrincipal("key:abcdefghijklmnop").setLabel("ops")
                .addGrants("cluster:admin").build());
        observer.onCompleted();
    }

    private static ApiKey key(String name, java.util.List<String> grants) {
        return ApiKey.newBuilder().setKeyId("abcdefghijklmnop").setName(name).addAllGrants(grants)
                .setCreatedAt(CREATED).setCreatedBy("key:root (bootstrap-admin)").build();
    }
}
