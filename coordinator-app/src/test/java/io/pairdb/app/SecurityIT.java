package io.pairdb.app;

import static io.pairdb.app.SecureChannels.bearer;
import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.pairdb.adapters.security.CallPermissions;
import io.pairdb.embedded.tls.CertificateAuthority;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.AuthServiceGrpc;
import io.pairdb.proto.admin.v1.CreateApiKeyRequest;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import io.pairdb.proto.admin.v1.RevokeApiKeyRequest;
import io.pairdb.proto.admin.v1.WhoAmIRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Security end to end, with real TLS handshakes and certificates made at test time: coordinator
 * A accepts API keys and client certificates (optional), coordinator B requires client
 * certificates; both share PostgreSQL, so keys issued or revoked through one apply on the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {
    private static final String OPS = "spiffe://pairdb/ops";
    private static final String APP = "spiffe://pairdb/app";

    private SecureChannels fx;
    private Path[] serverA;
    private Path clientCaA;
    private InProcessCoordinator a;
    private InProcessCoordinator b;
    private String adminToken;
    private String acmeToken;
    private String acmeKeyId;
    private Path[] opsCert;
    private Path[] appCert;
    private ManagedChannel tlsA;

    @BeforeAll
    void start() throws IOException {
        fx = new SecureChannels();
        serverA = fx.serverCertificate("server-a");
        Path[] serverB = fx.serverCertificate("server-b");
        // A's trust is a file of its own, which a test rewrites
        clientCaA = fx.directory.resolve("client-ca-a.pem");
        Files.copy(fx.caFile, clientCaA);
        opsCert = fx.clientCertificate("ops", OPS);
        appCert = fx.clientCertificate("app", APP);
        Path tokenFile = fx.tokenFile("bootstrap-token");
        adminToken = SecureChannels.read(tokenFile);
        Map<String, Object> common = new HashMap<>(Map.of(
                "pairdb.security.authentication", "required",
                "pairdb.security.bootstrap-token-file", tokenFile.toString(),
                "pairdb.security.identities", List.of(OPS + "=cluster:admin"),
                // revocations must reach B through notifications, not by this running out
                "pairdb.security.key-cache-ttl", "10m",
                "pairdb.security.tls.refresh-interval", "200ms"));
        Map<String, Object> onA = new HashMap<>(common);
        onA.putAll(Map.of("pairdb.security.tls.cert-file", serverA[0].toString(),
                "pairdb.security.tls.key-file", serverA[1].toString(),
                "pairdb.security.tls.client-ca-file", clientCaA.toString()));
        a = InProcessCoordinator.start(3, onA);
        Map<String, Object> onB = new HashMap<>(common);
        onB.putAll(Map.of("pairdb.security.tls.cert-file", serverB[0].toString(),
                "pairdb.security.tls.key-file", serverB[1].toString(),
                "pairdb.security.tls.client-ca-file", fx.caFile.toString(),
                "pairdb.security.tls.client-certificates", "require"));
        b = InProcessCoordinator.alongside(a, onB);

        tlsA = fx.tls(a.grpcPort, null);
        admin(tlsA).createTenant(CreateTenantRequest.newBuilder().setTenantId("acme").setReplicationFactor(3).build());
        admin(tlsA).createTenant(CreateTenantRequest.newBuilder().setTenantId("globex").setReplicationFactor(3).build());
        var created = bearer(AuthServiceGrpc.newBlockingStub(tlsA), adminToken).createApiKey(CreateApiKeyRequest
                .newBuilder().setName("acme-app").addGrants("tenant:acme:read-write").build());
        acmeToken = created.getToken();
        acmeKeyId = created.getKey().getKeyId();
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private AdminServiceGrpc.AdminServiceBlockingStub admin(ManagedChannel channel) {
        return bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken);
    }

    private CoordinatorServiceGrpc.CoordinatorServiceBlockingStub data(ManagedChannel channel, String token) {
        return bearer(CoordinatorServiceGrpc.newBlockingStub(channel), token);
    }

    private static WriteKeyValueRequest write(String tenant) {
        return WriteKeyValueRequest.newBuilder().setTenantId(tenant).setKey("k").setValue(ByteString.copyFromUtf8("v"))
                .build();
    }

    private static ReadKeyValueRequest read(String tenant) {
        return ReadKeyValueRequest.newBuilder().setTenantId(tenant).setKey("k").build();
    }

    private static StatusRuntimeException refused(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call was refused").isNotNull();
        return e;
    }

    @Test
    void aTenantKeyReadsAndWritesItsTenant() {
        assertThat(data(tlsA, acmeToken).writeKeyValue(write("acme")).getSuccess()).isTrue();
        assertThat(data(tlsA, acmeToken).readKeyValue(read("acme")).getValue().toStringUtf8()).isEqualTo("v");
    }

    @Test
    void anotherTenantAndAMissingOneGetTheSameDenial() {
        StatusRuntimeException other = refused(() -> data(tlsA, acmeToken).writeKeyValue(write("globex")));
        StatusRuntimeException missing = refused(() -> data(tlsA, acmeToken).writeKeyValue(write("nosuch")));
        StatusRuntimeException otherRead = refused(() -> data(tlsA, acmeToken).readKeyValue(read("globex")));
        StatusRuntimeException missingRead = refused(() -> data(tlsA, acmeToken).readKeyValue(read("nosuch")));
        for (StatusRuntimeException e : List.of(other, missing, otherRead, missingRead)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(reason(e)).isEqualTo("PERMISSION_DENIED");
        }
        // the answers differ only by the name the caller sent
        assertThat(missing.getStatus().getDescription().replace("nosuch", "globex"))
                .isEqualTo(other.getStatus().getDescription());
        assertThat(missingRead.getStatus().getDescription().replace("nosuch", "globex"))
                .isEqualTo(otherRead.getStatus().getDescription());
    }

    @Test
    void aTenantKeyIsDeniedEveryAdminCallButItsOwnListAndName() {
        List<String> notDenied = new ArrayList<>();
        for (ServerServiceDefinition service : List.of(new AdminServiceGrpc.AdminServiceImplBase() { }.bindService(),
                new AuthServiceGrpc.AuthServiceImplBase() { }.bindService())) {
            for (var method : service.getMethods()) {
                @SuppressWarnings("unchecked")
                MethodDescriptor<Message, Message> descriptor = (MethodDescriptor<Message, Message>) method.getMethodDescriptor();
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                        ClientCalls.blockingUnaryCall(tlsA, descriptor, withToken(acmeToken), aboutGlobex(descriptor)));
                if (e == null || e.getStatus().getCode() != Status.Code.PERMISSION_DENIED) {
                    notDenied.add(descriptor.getBareMethodName());
                }
            }
        }
        assertThat(new TreeSet<>(notDenied)).containsExactly("ListTenants", "WhoAmI");
        var visible = bearer(AdminServiceGrpc.newBlockingStub(tlsA), acmeToken).listTenants(ListTenantsRequest.getDefaultInstance());
        assertThat(visible.getTenantsList()).extracting(t -> t.getTenantId()).containsExactly("acme");
        assertThat(admin(tlsA).listTenants(ListTenantsRequest.getDefaultInstance()).getTenantsList())
                .extracting(t -> t.getTenantId()).contains("acme", "globex");
        var me = bearer(AuthServiceGrpc.newBlockingStub(tlsA), acmeToken).whoAmI(WhoAmIRequest.getDefaultInstance());
        assertThat(me.getPrincipal()).isEqualTo("key:" + acmeKeyId);
        assertThat(me.getGrantsList()).containsExactly("tenant:acme:read", "tenant:acme:write");
    }

    private static CallOptions withToken(String token) {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS).withCallCredentials(new io.grpc.CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer " + token);
                applier.apply(headers);
            }
        });
    }

    /** The method's request with every string field that names its subject set to the other tenant or a made-up id. */
    private static Message aboutGlobex(MethodDescriptor<Message, Message> method) {
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
        Message.Builder request = prototype.newBuilderForType();
        for (FieldDescriptor field : prototype.getDescriptorForType().getFields()) {
            if (field.getJavaType() != FieldDescriptor.JavaType.STRING || field.isRepeated()) {
                continue;
            }
            switch (field.getName()) {
                case "tenant_id" -> request.setField(field, "globex");
                case "node_id" -> request.setField(field, "node-1");
                case "key" -> request.setField(field, "k");
                case "change_id" -> request.setField(field, "add-node-1-e1");
                case "key_id" -> request.setField(field, "aaaaaaaaaaaaaaaa");
                case "name", "reason", "host" -> request.setField(field, "x");
                default -> {
                }
            }
        }
        return request.build();
    }

    @Test
    void callsWithoutCredentialsOrWithABadTokenAreUnauthenticatedButHealthIsOpen() {
        StatusRuntimeException none = refused(() -> AdminServiceGrpc.newBlockingStub(tlsA)
                .listStorageNodes(ListStorageNodesRequest.getDefaultInstance()));
        assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reason(none)).isEqualTo("CREDENTIALS_REQUIRED");
        StatusRuntimeException bad = refused(() -> data(tlsA, "pairdb_aaaaaaaaaaaaaaaa_" + "A".repeat(43))
                .readKeyValue(read("acme")));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reason(bad)).isEqualTo("INVALID_CREDENTIALS");
        assertThat(HealthGrpc.newBlockingStub(tlsA).withDeadlineAfter(20, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    /**
     * Every call counts against the coordinator's load bound until it is answered. An admin call
     * without credentials that never sends its request must not be left waiting for it: a
     * stranger opening such calls by the thousand would fill the bound and shed every tenant's
     * traffic.
     */
    @Test
    void anAdminCallWithoutCredentialsIsRefusedWithoutWaitingForItsRequest() {
        List<CompletableFuture<Status>> ends = openWithoutTheirRequest(tlsA, AdminServiceGrpc.getListTenantsMethod());

        await().atMost(Duration.ofSeconds(15)).until(() -> ends.stream().allMatch(CompletableFuture::isDone));
        assertThat(ends).allSatisfy(end -> assertThat(end.join().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        awaitNoPlaceHeldInTheLoadBound();
    }

    /**
     * Five calls of {@code unary} whose headers go out at once but whose request never follows (grpc-java
     * holds a unary call's headers back until its message; a client that calls it a stream sends them at
     * once, as any HTTP/2 client may): each stays open as long as the server lets it. How each ended.
     */
    private static <Q, R> List<CompletableFuture<Status>> openWithoutTheirRequest(ManagedChannel channel,
                                                                            MethodDescriptor<Q, R> unary) {
        MethodDescriptor<Q, R> stream = unary.toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING).build();
        List<CompletableFuture<Status>> ends = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ClientCall<Q, R> call = channel.newCall(stream, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
            CompletableFuture<Status> end = new CompletableFuture<>();
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onClose(Status status, io.grpc.Metadata trailers) {
                    end.complete(status);
                }
            }, new io.grpc.Metadata());
            call.request(1);
            ends.add(end);
        }
        return ends;
    }

    private void awaitNoPlaceHeldInTheLoadBound() {
        MeterRegistry metrics = a.context.getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(metrics
                .get("coordinator.requests.in.flight").gauge().value()).as("places held in the load bound").isZero());
    }

    /**
     * A caller who proved who they are but holds no grant on any tenant (a client certificate not listed
     * among the identities, a monitoring key) can never be allowed a data-plane call, whichever tenant the
     * request names: it is refused at once, as a stranger is, instead of holding a place in the load bound
     * for as long as it keeps from sending its request.
     */
    @Test
    void aDataCallFromACallerWithoutAnyTenantGrantIsRefusedWithoutWaitingForItsRequest() {
        ManagedChannel app = fx.tls(a.grpcPort, appCert);
        try {
            List<CompletableFuture<Status>> ends = openWithoutTheirRequest(app, CoordinatorServiceGrpc.getWriteKeyValueMethod());

            await().atMost(Duration.ofSeconds(15)).until(() -> ends.stream().allMatch(CompletableFuture::isDone));
            assertThat(ends).allSatisfy(end -> assertThat(end.join().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
            awaitNoPlaceHeldInTheLoadBound();

            StatusRuntimeException denied = refused(() -> CoordinatorServiceGrpc.newBlockingStub(app)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).writeKeyValue(write("acme")));
            assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(denied.getStatus().getDescription()).doesNotContain("acme");
        } finally {
            app.shutdownNow();
        }
    }

    @Test
    void theAdminKeyAndTheAdminCertificateMakeAdminCalls() {
        assertThat(admin(tlsA).listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesCount()).isEqualTo(3);
        ManagedChannel ops = fx.tls(a.grpcPort, opsCert);
        var asOps = AdminServiceGrpc.newBlockingStub(ops).withDeadlineAfter(20, TimeUnit.SECONDS);
        assertThat(asOps.createTenant(CreateTenantRequest.newBuilder().setTenantId("initech").setReplicationFactor(1)
                .build()).getTenant().getTenantId()).isEqualTo("initech");
        assertThat(AuthServiceGrpc.newBlockingStub(ops).whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal())
                .isEqualTo("cert:" + OPS);
        // a certificate without a configured identity is somebody, with no permissions
        ManagedChannel app = fx.tls(a.grpcPort, appCert);
        StatusRuntimeException denied = refused(() -> AdminServiceGrpc.newBlockingStub(app)
                .listStorageNodes(ListStorageNodesRequest.getDefaultInstance()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void reflectionNeedsClusterRead() throws Exception {
        assertThat(listServices(bearer(ServerReflectionGrpc.newStub(tlsA), adminToken)).join())
                .contains(AdminServiceGrpc.SERVICE_NAME, AuthServiceGrpc.SERVICE_NAME, CoordinatorServiceGrpc.SERVICE_NAME);
        Throwable denied = listServices(bearer(ServerReflectionGrpc.newStub(tlsA), acmeToken))
                .handle((ok, error) -> error).join();
        assertThat(Status.fromThrowable(denied).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private static CompletableFuture<List<String>> listServices(ServerReflectionGrpc.ServerReflectionStub stub) {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = stub.serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
                names.complete(response.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList());
            }

            @Override
            public void onError(Throwable t) {
                names.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                names.complete(List.of());
            }
        });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return names;
    }

    @Test
    void everyAdminCallIsOneAuditLine() {
        Logger audit = (Logger) LoggerFactory.getLogger("pairdb.audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try {
            refused(() -> bearer(AdminServiceGrpc.newBlockingStub(tlsA), acmeToken).createTenant(
                    CreateTenantRequest.newBuilder().setTenantId("umbrella").build()));
            admin(tlsA).listStorageNodes(ListStorageNodesRequest.getDefaultInstance());
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() >= 2);
            var denied = lines.list.stream().filter(l -> l.getFormattedMessage().contains("CreateTenant")).findFirst()
                    .orElseThrow();
            assertThat(fields(denied)).containsEntry("principal", "key:" + acmeKeyId + " (acme-app)")
                    .containsEntry("method", "pairdb.admin.v1.AdminService/CreateTenant")
                    .containsEntry("target", "umbrella").containsEntry("outcome", "PERMISSION_DENIED");
            var allowed = lines.list.stream().filter(l -> l.getFormattedMessage().contains("ListStorageNodes"))
                    .findFirst().orElseThrow();
            assertThat(fields(allowed)).containsEntry("outcome", "OK")
                    .hasEntrySatisfying("principal", p -> assertThat(p).startsWith("key:").endsWith("(bootstrap-admin)"));
        } finally {
            audit.detachAppender(lines);
        }
    }

    private static Map<String, String> fields(ILoggingEvent line) {
        Map<String, String> fields = new HashMap<>();
        line.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
        return fields;
    }

    @Test
    void aKeyRevokedThroughOneCoordinatorIsRefusedByTheOtherWithinSeconds() {
        var issued = bearer(AuthServiceGrpc.newBlockingStub(tlsA), adminToken).createApiKey(CreateApiKeyRequest
                .newBuilder().setName("short-lived").addGrants("tenant:acme:read").build());
        ManagedChannel onB = fx.tls(b.grpcPort, appCert);
        // B has read (and cached) the key
        data(onB, issued.getToken()).readKeyValue(read("acme"));
        bearer(AuthServiceGrpc.newBlockingStub(tlsA), adminToken).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(issued.getKey().getKeyId()).build());
        // by PostgreSQL's notification: B's cached copy of the key lasts ten minutes here (key-cache-ttl)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            StatusRuntimeException e = refused(() -> data(onB, issued.getToken()).readKeyValue(read("acme")));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(reason(e)).isEqualTo("API_KEY_REVOKED");
        });
    }

    @Test
    void whereClientCertificatesAreRequiredOnlyATrustedCurrentOneGetsIn() {
        var call = (java.util.function.Function<ManagedChannel, Runnable>) channel -> () -> AdminServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .listStorageNodes(ListStorageNodesRequest.getDefaultInstance());
        call.apply(fx.tls(b.grpcPort, opsCert)).run();

        StatusRuntimeException none = refused(call.apply(fx.tls(b.grpcPort, null)));
        CertificateAuthority stranger = CertificateAuthority.create("someone else's CA", Duration.ofDays(1));
        Path[] untrusted = fx.clientCertificate(stranger, "intruder", OPS, Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        StatusRuntimeException untrustedCa = refused(call.apply(fx.tls(b.grpcPort, untrusted)));
        Path[] expired = fx.clientCertificate(fx.ca, "expired-ops", OPS, Instant.now().minus(Duration.ofDays(2)),
                Instant.now().minus(Duration.ofDays(1)));
        StatusRuntimeException expiredCert = refused(call.apply(fx.tls(b.grpcPort, expired)));
        // the handshake fails: the client sees the connection fail, the server never sees a call
        for (StatusRuntimeException e : List.of(none, untrustedCa, expiredCert)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    /** The handshake checks a certificate once, but a connection lives for up to max-connection-age. */
    @Test
    void aClientCertificateThatExpiresWhileItsConnectionIsOpenIsRefusedFromThenOn() {
        // long enough for the key to be made, the handshake and a first call on a busy machine
        Path[] shortLived = fx.clientCertificate(fx.ca, "short-lived-ops", OPS, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(40));
        ManagedChannel channel = fx.tls(b.grpcPort, shortLived);
        var admin = (java.util.function.Supplier<AdminServiceGrpc.AdminServiceBlockingStub>) () -> AdminServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        try {
            admin.get().listStorageNodes(ListStorageNodesRequest.getDefaultInstance());

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                StatusRuntimeException e = refused(() -> admin.get().listStorageNodes(
                        ListStorageNodesRequest.getDefaultInstance()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(reason(e)).isEqualTo("CERTIFICATE_EXPIRED");
            });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void rewrittenCertificateFilesAreUsedWithoutARestart() throws Exception {
        BigInteger before = serverSerial(a.grpcPort);
        fx.ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(serverA[0], serverA[1]);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> !serverSerial(a.grpcPort).equals(before));

        // a new CA joins the trusted ones: its certificates get in, the old CA's still do
        CertificateAuthority next = CertificateAuthority.create("next CA", Duration.ofDays(1));
        Path[] nextOps = fx.clientCertificate(next, "next-ops", OPS, Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        Files.writeString(clientCaA, CertificateAuthority.pem(fx.ca.certificate()) + CertificateAuthority.pem(next.certificate()));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            ManagedChannel channel = fx.tls(a.grpcPort, nextOps);
            assertThat(AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal()).isEqualTo("cert:" + OPS);
        });
        assertThat(AuthServiceGrpc.newBlockingStub(fx.tls(a.grpcPort, opsCert)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal()).isEqualTo("cert:" + OPS);
    }

    /** The serial number of the certificate the server presents to a new connection. */
    private BigInteger serverSerial(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", fx.ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void everyRpcTheServerServesHasAPermissionRule() {
        Set<String> served = new TreeSet<>();
        a.context.getBean(GrpcEmbeddedServer.class).getServer().getServices().forEach(service ->
                service.getMethods().forEach(m -> served.add(m.getMethodDescriptor().getFullMethodName())));
        assertThat(served).as("the services registered on the gRPC server").contains(
                "pairdb.admin.v1.AdminService/CreateTenant", "pairdb.coordinator.v1.CoordinatorService/WriteKeyValue",
                "pairdb.admin.v1.AuthService/CreateApiKey", "grpc.health.v1.Health/Check",
                "proto.CoordinatorService/WriteKeyValue", "proto.CoordinatorService/ListStorageNodes");
        assertThat(CallPermissions.standard().methods()).as("methods with a permission rule").containsAll(served);
        assertThat(served).as("rules for methods nobody serves are stale").containsAll(CallPermissions.standard().methods());
    }
}
