package io.pairdb.storage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link NodeServer#stop} tells the node, which closes its database only when no handler uses it. */
class NodeServerStopTest {
    private final CountDownLatch handling = new CountDownLatch(1);
    private final CountDownLatch mayReturn = new CountDownLatch(1);

    /** A read whose handler, like a long range delete, runs on after its call was cancelled. */
    private final StorageNodeServiceGrpc.StorageNodeServiceImplBase slow = new StorageNodeServiceGrpc.StorageNodeServiceImplBase() {
        @Override
        public void read(ReadRequest request, StreamObserver<ReadResponse> answer) {
            handling.countDown();
            try {
                mayReturn.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    @Test
    void saysAHandlerStillRunsAfterTheGrace() throws Exception {
        NodeServer server = NodeServer.start(new NodeServer.Transport.InProcess("stop-" + UUID.randomUUID()),
                NodeServer.handlerPool("stop-test-", 2), List.of(slow));
        ManagedChannel channel = server.newChannel();
        try {
            StorageNodeServiceGrpc.newFutureStub(channel).read(ReadRequest.getDefaultInstance());
            assertThat(handling.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(server.stop(Duration.ofMillis(100))).as("the handler still runs").isFalse();
        } finally {
            mayReturn.countDown();
            channel.shutdownNow();
        }
    }

    @Test
    void saysEveryHandlerReturnedWhenNoneRan() throws Exception {
        NodeServer server = NodeServer.start(new NodeServer.Transport.InProcess("stop-" + UUID.randomUUID()),
                NodeServer.handlerPool("stop-test-", 2), List.of(slow));

        assertThat(server.stop(Duration.ofSeconds(30))).isTrue();
    }
}
