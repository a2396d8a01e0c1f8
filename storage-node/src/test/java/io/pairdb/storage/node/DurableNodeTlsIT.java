package io.pairdb.storage.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.pairdb.embedded.tls.MutualTlsFiles;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.storage.server.NodeTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable node serving mutual TLS: real handshakes with certificates issued at test time. */
class DurableNodeTlsIT {
    @TempDir
    Path dir;

    private DurableStorageNode node;

    @BeforeEach
    void start() throws IOException {
        MutualTlsFiles.write(dir);
        node = DurableStorageNode.builder().nodeId("durable-1").dataDirectory(dir.resolve("data")).port(0)
                .tls(new NodeTls.Files(dir.resolve("server.pem"), dir.resolve("server.key"),
                        Optional.of(dir.resolve("client-ca.pem")), Duration.ofSeconds(1)))
                .start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private String healthNodeId(ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", node.port(), credentials).build();
        try {
            return StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .health(HealthRequest.getDefaultInstance()).getNodeId();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aClientWithACertificateFromTheClientCaIsServed() throws IOException {
        ChannelCredentials credentials = TlsChannelCredentials.newBuilder()
                .trustManager(dir.resolve("server-ca.pem").toFile())
                .keyManager(dir.resolve("client.pem").toFile(), dir.resolve("client.key").toFile()).build();

        assertThat(healthNodeId(credentials)).isEqualTo("durable-1");
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws IOException {
        ChannelCredentials credentials = TlsChannelCredentials.newBuilder()
                .trustManager(dir.resolve("server-ca.pem").toFile()).build();

        assertThatThrownBy(() -> healthNodeId(credentials)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
