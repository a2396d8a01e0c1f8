package io.pairdb.adapters.grpc;

import static io.pairdb.proto.testing.ErrorReasons.errorInfo;
import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.pairdb.core.OutcomeNames;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.write.WriteOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reasons clients see for core outcomes, as the README's *Errors* documents them. */
class OutcomeErrorsTest {
    private static final ClusterTopology.Freshness.Stale STALE =
            new ClusterTopology.Freshness.Stale(7, Optional.empty(), Duration.ofSeconds(10));

    @Test
    void everyFailedOutcomeIsAnsweredWithTheNameItIsCountedUnder() {
        List<WriteOutcome> writes = List.of(new WriteOutcome.TenantNotFound(new TenantId("t")),
                new WriteOutcome.Unavailable(2, 1), new WriteOutcome.QuorumNotReached(2, 1, 1),
                new WriteOutcome.TimedOut(2, 1), new WriteOutcome.IdempotencyConflict("k"),
                new WriteOutcome.InFlight("k"), new WriteOutcome.IdempotencyUnavailable("down"),
                new WriteOutcome.ReadBeforeWriteFailed(WriteOutcome.ReadBeforeWriteFailed.Cause.NOT_ENOUGH_REPLICAS, 2, 1),
                new WriteOutcome.ReadBeforeWriteFailed(WriteOutcome.ReadBeforeWriteFailed.Cause.QUORUM_NOT_REACHED, 2, 1),
                new WriteOutcome.ReadBeforeWriteFailed(WriteOutcome.ReadBeforeWriteFailed.Cause.TIMED_OUT, 2, 1),
                new WriteOutcome.InvalidCausalContext("bad"), new WriteOutcome.CoordinatorIdNotHeld("c1"),
                new WriteOutcome.TopologyStale(STALE));
        for (WriteOutcome outcome : writes) {
            assertThat(reason(OutcomeErrors.of(outcome, "quorum"))).as(outcome.toString())
                    .isEqualTo(OutcomeNames.of(outcome));
        }
        List<ReadOutcome> reads = List.of(new ReadOutcome.NotFound("k", 3),
                new ReadOutcome.TenantNotFound(new TenantId("t")), new ReadOutcome.Unavailable(2, 1),
                new ReadOutcome.QuorumNotReached(2, 1, 1), new ReadOutcome.TimedOut(2, 1),
                new ReadOutcome.TopologyStale(STALE));
        for (ReadOutcome outcome : reads) {
            assertThat(reason(OutcomeErrors.of(outcome, new TenantId("t"), "k", "quorum"))).as(outcome.toString())
                    .isEqualTo(OutcomeNames.of(outcome));
        }
    }

    @Test
    void aWriteThatTimedOutIsDeadlineExceededWithItsOwnReasonAndTheCounts() {
        StatusRuntimeException e = OutcomeErrors.of(new WriteOutcome.TimedOut(2, 1), "quorum");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(reason(e)).isEqualTo("QUORUM_TIMED_OUT");
        assertThat(e.getStatus().getDescription())
                .isEqualTo("write at consistency quorum needed 2 replica answers but got 1 before the deadline; "
                        + MAY_HAVE_BEEN_WRITTEN);
        assertThat(metadata(e)).containsEntry("maybe_written", "true");
    }

    private static Map<String, String> metadata(StatusRuntimeException e) {
        return errorInfo(e).getMetadataMap();
    }

    private static final String MAY_HAVE_BEEN_WRITTEN = "it may still have reached some replicas, which pass it on to "
            + "the others (there is no rollback); a retry that carries the same idempotency key is safe";

    /**
     * A write that failed after it was sent may be applied everywhere later (a replica that took it, a hint):
     * the client is told so, and told when nothing was sent.
     */
    @Test
    void aFailedWriteSaysWhetherItMayStillHaveBeenWritten() {
        StatusRuntimeException failed = OutcomeErrors.of(new WriteOutcome.QuorumNotReached(2, 0, 3), "quorum");
        StatusRuntimeException neverSent = OutcomeErrors.of(new WriteOutcome.TimedOut(2, 0, false), "quorum");

        assertThat(failed.getStatus().getDescription()).endsWith("before the others failed; " + MAY_HAVE_BEEN_WRITTEN);
        assertThat(metadata(failed)).containsEntry("maybe_written", "true");
        assertThat(reason(neverSent)).isEqualTo("QUORUM_TIMED_OUT");
        assertThat(neverSent.getStatus().getDescription()).isEqualTo("write at consistency quorum: the deadline passed "
                + "before the write was sent to the replicas; nothing was written");
        assertThat(metadata(neverSent)).containsEntry("maybe_written", "false");
    }

    @Test
    void aRetryOfAWriteStillInFlightIsAbortedWithARetryDelay() {
        StatusRuntimeException e = OutcomeErrors.of(new WriteOutcome.InFlight("k-1"), "quorum");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(reason(e)).isEqualTo("REQUEST_IN_PROGRESS");
        assertThat(StatusProto.fromThrowable(e).getDetailsList()).anyMatch(d -> d.is(RetryInfo.class));
    }

    @Test
    void aDryRunWarnsWithTheReasonAndMessageTheRealRequestIsRefusedWith() {
        List<StartOutcome> refusals = List.of(new StartOutcome.NodeDown(new NodeId("n3"), "connection refused"),
                new StartOutcome.TooFewNodes(new NodeId("n3"), 2, 3), new StartOutcome.HoldsData(new NodeId("n4"), 7),
                new StartOutcome.Conflicting(new ChangeId("add-n5-e4"), "change add-n5-e4 moves the same ranges"),
                new StartOutcome.RepairRunning("run-1", "repair run run-1 writes to these replicas"),
                new StartOutcome.Contended(5));
        for (StartOutcome refused : refusals) {
            OutcomeErrors.Refusal warning = OutcomeErrors.refusal(refused);

            assertThatThrownBy(() -> OutcomeErrors.startedOrThrow(refused)).isInstanceOfSatisfying(
                    StatusRuntimeException.class, e -> {
                        assertThat(reason(e)).as("%s", refused).isEqualTo(warning.reason());
                        assertThat(e.getStatus().getCode()).isEqualTo(warning.code());
                        assertThat(e.getStatus().getDescription()).isEqualTo(warning.message());
                    });
        }
        assertThat(OutcomeErrors.refusal(new StartOutcome.NodeDown(new NodeId("n3"), "x")).reason()).isEqualTo("NODE_DOWN");
    }

    @Test
    void aTenantNotCreatedWhileANodeJoinsSaysWhichNodeAndWhenToRetry() {
        StatusRuntimeException e = OutcomeErrors.of(new TenantService.CreateOutcome.NodeChangeInFlight(
                new TenantId("acme"), new NodeId("node-4"), NodeState.BOOTSTRAPPING), new TenantId("acme"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(reason(e)).isEqualTo("CHANGE_IN_FLIGHT");
        assertThat(e.getStatus().getDescription()).contains("tenant 'acme'", "node node-4 is BOOTSTRAPPING",
                "once the change has ended");
    }

    @Test
    void anAnswerIsNotTurnedIntoAnError() {
        assertThatThrownBy(() -> OutcomeErrors.of(new WriteOutcome.Written(null), "quorum"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
