package io.pairdb.app;

import io.grpc.ManagedChannel;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import java.util.concurrent.TimeUnit;

/** Something a test sends data requests to: an in-process coordinator or a coordinator process. */
@FunctionalInterface
interface DataPlane {
    CoordinatorServiceGrpc.CoordinatorServiceBlockingStub data();

    /** The data plane behind a channel, with the same deadline the harness uses. */
    static DataPlane over(ManagedChannel channel) {
        return () -> CoordinatorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }
}
