package io.pairdb.cli.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.proto.admin.v1.ChangePlan;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.NodeOwnership;
import io.pairdb.proto.admin.v1.PlanWarning;
import io.pairdb.proto.admin.v1.PlannedStream;
import io.pairdb.proto.admin.v1.RangeStream;
import org.junit.jupiter.api.Test;

class PlanViewTest {
    private static PlannedStream stream(int index, long start, long end, String target, String source, Long keys) {
        var s = PlannedStream.newBuilder().setStream(RangeStream.newBuilder().setIndex(index).setStartExclusive(start)
                .setEndInclusive(end).setTargetNodeId(target).addSourceNodeIds(source).addReplicationFactors(3));
        if (keys != null) {
            s.setEstimatedKeys(keys);
        }
        return s.build();
    }

    private static ChangePlan.Builder removal() {
        return ChangePlan.newBuilder().setType(ChangeType.CHANGE_TYPE_REMOVE_NODE).setNodeId("n3").setRingEpoch(9)
                .addOwnership(NodeOwnership.newBuilder().setNodeId("n1").setBeforePercent(30).setAfterPercent(45))
                .addOwnership(NodeOwnership.newBuilder().setNodeId("n3").setBeforePercent(30).setAfterPercent(0))
                .addStreams(stream(0, 10, 20, "n1", "n3", 100L))
                .addStreams(stream(1, 20, -1L, "n1", "n3", 50L))
                .addStreams(stream(2, 30, 40, "n2", "n3", null));
    }

    @Test
    public void theTableShowsOwnershipRangesPerTargetEstimatesAndWarnings() {
        PlanView plan = PlanView.from(removal()
                .addWarnings(PlanWarning.newBuilder().setReason("KEY_COUNTS_UNKNOWN").setMessage("no key count from [n4]"))
                .build());

        assertThat(plan.text()).isEqualTo("""
                DRY RUN: remove node n3, planned against ring epoch 9; nothing was changed

                NODE  OWNS NOW  OWNS AFTER  CHANGE
                n1    30.0%     45.0%       +15.0
                n3    30.0%     0.0%        -30.0

                TARGET  RANGES  EST. KEYS  FROM
                n1      2       150        n3
                n2      1       unknown    n3

                Ranges to stream: 3; estimated keys: unknown; estimated bytes: unknown
                Warnings:
                  - KEY_COUNTS_UNKNOWN: no key count from [n4]
                Run it without --dry-run to start it (the plan is made again then, against the ring as it is).
                """);
        assertThat(plan.wouldBeRefused()).isFalse();
        assertThat(plan.streams().get(1).endInclusive()).as("unsigned").isEqualTo("18446744073709551615");
    }

    @Test
    public void aBlockingWarningSaysTheRequestWouldBeRefused() {
        PlanView plan = PlanView.from(removal().setForce(true).setUnrecoverableRanges(4).setEstimatedKeys(150)
                .setEstimatedBytes(3 * 1024)
                .addWarnings(PlanWarning.newBuilder().setReason("CHANGE_CONFLICT").setBlocking(true)
                        .setMessage("refused: node n3 has change add-n3-e8 in progress; wait for change add-n3-e8 to end"))
                .addWarnings(PlanWarning.newBuilder().setReason("REPLICAS_LOST")
                        .setMessage("4 ranges are held by no surviving replica: their data is lost with 'n3'"))
                .build());

        assertThat(plan.wouldBeRefused()).isTrue();
        assertThat(plan.text())
                .contains("remove node n3 (streaming from the surviving replicas)")
                .contains("estimated keys: 150; estimated bytes: 3.0 KiB")
                .contains("Ranges no surviving replica holds: 4")
                .contains("  ! CHANGE_CONFLICT (the request would be refused): refused: node n3 has change")
                .contains("  - REPLICAS_LOST: 4 ranges are held by no surviving replica")
                .endsWith("The coordinator would refuse this request now.\n");
    }
}
