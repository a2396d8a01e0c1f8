package io.pairdb.emulator;

import static io.pairdb.emulator.Fixtures.TENANT;
import static io.pairdb.emulator.Fixtures.aTombstone;
import static io.pairdb.emulator.Fixtures.aValue;
import static io.pairdb.emulator.Fixtures.clock;
import static io.pairdb.emulator.Fixtures.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TombstoneTest {

    private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofDays(10);

    @Test
    void readsADeletedKeyAsAFoundTombstone() {
        try (EmulatorFixture node = EmulatorFixture.start()) {
            node.write("colour", aValue("blue").clock("c1", 1).at(100).build());
            node.storage().delete(DeleteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                    .setToken(tokenOf("colour")).setVectorClock(clock("c1", 2)).setTimestampMs(200).build());

            ReadResponse read = node.read("colour");

            assertThat(read.getFound()).isTrue();
            assertThat(read.getVersion()).isEqualTo(aTombstone().clock("c1", 2).at(200).build());
        }
    }

    @Test
    void reportsAKeyItNeverHeldAsNotFound() {
        try (EmulatorFixture node = EmulatorFixture.start()) {
            ReadResponse read = node.read("never-written");

            assertThat(read.getFound()).isFalse();
            assertThat(read.hasVersion()).isFalse();
        }
    }

    @Test
    void purgesATombstoneOnlyOnceItIsOlderThanTheGcGrace() {
        MutableClock clock = new MutableClock(START);
        try (EmulatorFixture node = EmulatorFixture.start(b -> b.clock(clock).tombstoneGcGrace(GRACE))) {
            long now = START.toEpochMilli();
            node.write("deleted", aTombstone().clock("c1", 2).at(now).build());
            node.write("old-value", aValue("kept").clock("c1", 1).at(now - GRACE.toMillis() * 3).build());

            clock.advance(GRACE);
            assertThat(node.emulator.purgeExpiredTombstones()).isZero();
            assertThat(node.read("deleted").getFound()).isTrue();

            clock.advance(Duration.ofMillis(1));
            assertThat(node.emulator.purgeExpiredTombstones()).isEqualTo(1);
            assertThat(node.read("deleted").getFound()).isFalse();
            assertThat(node.read("old-value").getFound()).isTrue();
        }
    }

    @Test
    void sweepsExpiredTombstonesPeriodically() {
        MutableClock clock = new MutableClock(START);
        try (EmulatorFixture node = EmulatorFixture.start(b -> b.clock(clock).tombstoneGcGrace(GRACE)
                .tombstoneSweepInterval(Duration.ofMillis(20)))) {
            node.write("deleted", aTombstone().clock("c1", 2).at(START.toEpochMilli()).build());

            clock.advance(GRACE.plusMinutes(1));

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(node.emulator.store().keyCount()).isZero());
        }
    }
}
