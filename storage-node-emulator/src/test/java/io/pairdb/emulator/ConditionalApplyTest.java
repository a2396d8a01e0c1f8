package io.pairdb.emulator;

import static io.pairdb.emulator.Fixtures.TENANT;
import static io.pairdb.emulator.Fixtures.aTombstone;
import static io.pairdb.emulator.Fixtures.aValue;
import static io.pairdb.emulator.Fixtures.clock;
import static io.pairdb.emulator.Fixtures.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.storage.v1.ApplyOutcome;
import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConditionalApplyTest {

    private final EmulatorFixture node = EmulatorFixture.start();

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void appliesAVersionWhenNothingIsStored() {
        Version incoming = aValue("blue").clock("c1", 1).at(100).build();

        WriteResponse response = node.write("colour", incoming);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(response.getCurrent()).isEqualTo(incoming);
        assertThat(node.read("colour").getVersion()).isEqualTo(incoming);
    }

    @Test
    void ignoresAVersionThatIsDominatedByTheStoredOne() {
        Version stored = aValue("new").clock("c1", 2).clock("c2", 1).at(200).build();
        node.write("colour", stored);

        WriteResponse response = node.write("colour", aValue("old").clock("c1", 1).at(300).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(response.getCurrent()).isEqualTo(stored);
        assertThat(node.read("colour").getVersion()).isEqualTo(stored);
    }

    @Test
    void ignoresTheVersionItAlreadyHolds() {
        Version stored = aValue("first").clock("c1", 3).at(100).build();
        node.write("colour", stored);

        WriteResponse response = node.write("colour", stored);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(node.read("colour").getVersion()).isEqualTo(stored);
    }

    @Test
    void keepsTheWinnerOfTheResolutionOrderBetweenEqualClocksWithDifferentData() {
        Version stored = aValue("first").clock("c1", 3).at(100).build();
        node.write("colour", stored);
        Version later = aValue("second").clock("c1", 3).at(999).build();

        assertThat(node.write("colour", later).getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        WriteResponse again = node.write("colour", stored);

        // the coordinator resolves the two the same way, so a read finds the replicas agreeing
        assertThat(again.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(node.read("colour").getVersion()).isEqualTo(later);
    }

    @Test
    void appliesAVersionThatDominatesTheStoredOne() {
        node.write("colour", aValue("old").clock("c1", 1).at(500).build());
        // A missing entry counts as 0, so an extra coordinator entry is enough to dominate,
        // and an older wall-clock timestamp does not matter between causally ordered versions.
        Version newer = aValue("new").clock("c1", 1).clock("c2", 1).at(100).build();

        WriteResponse response = node.write("colour", newer);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(node.read("colour").getVersion()).isEqualTo(newer);
    }

    @Test
    void mergesConcurrentVersionsIntoTheLaterOneUnderTheMergedClock() {
        node.write("colour", aValue("stored").clock("c1", 2).at(100).build());

        WriteResponse response = node.write("colour", aValue("incoming").clock("c2", 5).at(200).build());

        Version expected = aValue("incoming").clock("c1", 2).clock("c2", 5).at(200).build();
        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent()).isEqualTo(expected);
        assertThat(node.read("colour").getVersion()).isEqualTo(expected);
    }

    @Test
    void keepsTheStoredValueUnderTheMergedClockWhenItIsTheLaterConcurrentVersion() {
        node.write("colour", aValue("stored").clock("c1", 2).at(300).build());

        WriteResponse response = node.write("colour", aValue("incoming").clock("c2", 5).at(200).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent())
                .isEqualTo(aValue("stored").clock("c1", 2).clock("c2", 5).at(300).build());
    }

    @Test
    void breaksATimestampTieByTheGreaterValueBytesComparedUnsigned() {
        node.write("colour", aValue((byte) 0x7f).clock("c1", 1).at(100).build());

        // 0x80 is negative as a signed byte; compared unsigned it is the greater value.
        WriteResponse response = node.write("colour", aValue((byte) 0x80).clock("c2", 1).at(100).build());

        assertThat(response.getCurrent().getValue()).isEqualTo(ByteString.copyFrom(new byte[] {(byte) 0x80}));
    }

    @Test
    void letsAValueWinATimestampTieAgainstATombstone() {
        node.write("colour", aValue("").clock("c1", 1).at(100).build());

        WriteResponse response = node.write("colour", aTombstone().clock("c2", 1).at(100).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent().getTombstone()).isFalse();
        assertThat(response.getCurrent().getVectorClock()).isEqualTo(clock("c1", 1, "c2", 1));
    }

    @Test
    void resolvesConcurrentVersionsTheSameWhicheverArrivesFirst() {
        Version a = aValue("a").clock("c1", 2).clock("c2", 1).at(100).build();
        Version b = aValue("b").clock("c1", 1).clock("c3", 4).at(100).build();

        node.write("a-first", a);
        node.write("a-first", b);
        node.write("b-first", b);
        node.write("b-first", a);

        Version expected = aValue("b").clock("c1", 2).clock("c2", 1).clock("c3", 4).at(100).build();
        assertThat(node.read("a-first").getVersion()).isEqualTo(expected);
        assertThat(node.read("b-first").getVersion()).isEqualTo(expected);
    }

    @Test
    void losesNoConcurrentWriteToTheSameKey() throws Exception {
        int writers = 40;
        List<ListenableFuture<WriteResponse>> responses = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Version version = aValue("from-" + i).clock("c" + i, 1).at(1_000 + i).build();
            responses.add(node.storageAsync().write(WriteRequest.newBuilder()
                    .setTenantId(TENANT).setKey("contended").setToken(tokenOf("contended")).setVersion(version).build()));
        }
        for (ListenableFuture<WriteResponse> response : responses) {
            response.get(30, TimeUnit.SECONDS);
        }

        Version stored = node.read("contended").getVersion();
        assertThat(stored.getVectorClock().getEntriesList()).hasSize(writers);
        assertThat(stored.getValue().toStringUtf8()).isEqualTo("from-" + (writers - 1));
    }

    @Test
    void appliesDeletesAndRepairsConditionallyToo() {
        node.write("colour", aValue("blue").clock("c1", 2).at(100).build());

        WriteResponse staleRepair = node.storage().repair(RepairRequest.newBuilder()
                .setTenantId(TENANT).setKey("colour").setToken(tokenOf("colour"))
                .setVersion(aValue("stale").clock("c1", 1).build()).build());
        WriteResponse delete = node.storage().delete(DeleteRequest.newBuilder()
                .setTenantId(TENANT).setKey("colour").setToken(tokenOf("colour"))
                .setVectorClock(clock("c1", 3)).setTimestampMs(150).build());

        assertThat(staleRepair.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(delete.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(delete.getCurrent()).isEqualTo(aTombstone().clock("c1", 3).at(150).build());
    }

    @Test
    void rejectsAWriteWithoutTenantKeyOrVersion() {
        WriteRequest complete = WriteRequest.newBuilder().setTenantId(TENANT).setKey("colour").setToken(7)
                .setVersion(aValue("blue").clock("c1", 1).build()).build();

        assertInvalidArgument(complete.toBuilder().clearTenantId().build(), "tenant_id");
        assertInvalidArgument(complete.toBuilder().clearKey().build(), "key");
        assertInvalidArgument(complete.toBuilder().clearVersion().build(), "version");
        assertThat(node.emulator.store().keyCount()).isZero();
    }

    @Test
    void rejectsAClockThatNamesACoordinatorTwice() {
        Version version = aValue("blue").clock("c1", 1).clock("c1", 2).build();

        assertInvalidArgument(WriteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                .setVersion(version).build(), "c1 appears twice");
    }

    private void assertInvalidArgument(WriteRequest request, String messagePart) {
        assertThatThrownBy(() -> node.storage().write(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(messagePart);
                });
    }
}
