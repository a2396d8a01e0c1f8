package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.SetTenantQuotaRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant quotas against real coordinators: a tenant over its quota is answered
 * RESOURCE_EXHAUSTED/TENANT_RATE_LIMITED with a RetryInfo while another tenant on the same
 * coordinator is served, and a quota set on one coordinator reaches another.
 */
class QuotaIT {
    /** Sent at once: far more than a quota of 1 op/s lets through however slowly the machine runs. */
    private static final int BURST = 20;

    @Test
    void aTenantOverItsQuotaIsThrottledWhileAnotherTenantIsServed() throws Exception {
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, Map.of())) {
            coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("limited").build());
            coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("free").build());
            var set = coordinator.admin().setTenantQuota(SetTenantQuotaRequest.newBuilder().setTenantId("limited")
                    .setOpsPerSecond(1).setBytesPerSecond(0).build());
            assertThat(set.getTenant().getOpsPerSecond()).isEqualTo(1);

            List<Object> limited = burst(coordinator, "limited");
            List<StatusRuntimeException> throttled = limited.stream().filter(StatusRuntimeException.class::isInstance)
                    .map(StatusRuntimeException.class::cast).toList();
            assertThat(throttled).as("most of a burst of %d is over 1 op/s", BURST).hasSizeGreaterThan(BURST / 2);
            assertThat(limited).as("the quota lets some through").hasAtLeastOneElementOfType(WriteKeyValueResponse.class);
            for (StatusRuntimeException e : throttled) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(reason(e)).isEqualTo("TENANT_RATE_LIMITED");
                assertThat(StatusProto.fromThrowable(e).getDetailsList()).anySatisfy(d -> {
                    assertThat(d.is(RetryInfo.class)).isTrue();
                    var delay = d.unpack(RetryInfo.class).getRetryDelay();
                    assertThat(delay.getSeconds() * 1_000_000_000L + delay.getNanos()).isPositive();
                });
            }

            assertThat(burst(coordinator, "free")).as("a tenant without a quota on the same coordinator")
                    .allMatch(WriteKeyValueResponse.class::isInstance);

            MeterRegistry metrics = coordinator.context.getBean(MeterRegistry.class);
            assertThat(metrics.get("coordinator.requests.throttled").tag("operation", "write").counter().count())
                    .isEqualTo(throttled.size());
            GetTenantResponse shown = coordinator.admin().getTenant(GetTenantRequest.newBuilder().setTenantId("limited").build());
            assertThat(shown.getTenant().getOpsPerSecond()).isEqualTo(1);
            assertThat(shown.getRecentThrottled()).isEqualTo(throttled.size());
            assertThat(shown.getRecentOpsPerSecond()).isPositive();

            // no quota again: the whole burst passes
            coordinator.admin().setTenantQuota(SetTenantQuotaRequest.newBuilder().setTenantId("limited").build());
            assertThat(burst(coordinator, "limited")).allMatch(WriteKeyValueResponse.class::isInstance);

            StatusRuntimeException negative = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> coordinator.admin().setTenantQuota(SetTenantQuotaRequest
                            .newBuilder().setTenantId("limited").setOpsPerSecond(-1).build()));
            assertThat(negative.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(reason(negative)).isEqualTo("INVALID_QUOTA");
        }
    }

    @Test
    void aQuotaSetOnOneCoordinatorReachesAnotherWhichEnforcesItsShare() throws Exception {
        // the second caches tenants for an hour: only the epoch the quota change bumps can bring it there in time
        try (InProcessCoordinator first = InProcessCoordinator.start(3, Map.of());
             InProcessCoordinator second = InProcessCoordinator.alongside(first, Map.of("pairdb.tenants.cache-ttl", "1h"))) {
            first.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("shared").build());
            assertThat(burst(second, "shared")).as("no quota yet").allMatch(WriteKeyValueResponse.class::isInstance);

            first.admin().setTenantQuota(SetTenantQuotaRequest.newBuilder().setTenantId("shared").setOpsPerSecond(2).build());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                GetTenantResponse seen = second.admin().getTenant(GetTenantRequest.newBuilder().setTenantId("shared").build());
                assertThat(seen.getTenant().getOpsPerSecond()).isEqualTo(2);
                assertThat(seen.getLiveCoordinators()).as("the quota is shared by both").isEqualTo(2);
                assertThat(burst(second, "shared")).as("the second coordinator enforces its share")
                        .anySatisfy(r -> assertThat(r).isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(reason(e)).isEqualTo("TENANT_RATE_LIMITED")));
            });
        }
    }

    /** {@link #BURST} writes of the tenant sent at once: each answer, or the error it got. */
    private static List<Object> burst(InProcessCoordinator coordinator, String tenant) throws InterruptedException {
        var async = CoordinatorServiceGrpc.newFutureStub(coordinator.channel);
        List<ListenableFuture<WriteKeyValueResponse>> sent = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            sent.add(async.withDeadlineAfter(30, TimeUnit.SECONDS).writeKeyValue(WriteKeyValueRequest.newBuilder()
                    .setTenantId(tenant).setKey("k" + i).setValue(ByteString.copyFromUtf8("v" + i)).build()));
        }
        List<Object> answers = new ArrayList<>();
        for (var f : sent) {
            try {
                answers.add(f.get());
            } catch (ExecutionException e) {
                answers.add(e.getCause());
            }
        }
        return answers;
    }
}
