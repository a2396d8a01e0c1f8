package io.pairdb.adapters.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.repair.RangeRepairOutcome;
import io.pairdb.core.repair.RepairReport;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

class MicrometerRepairEventsTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final TokenRange RANGE = new TokenRange(new Token(1), new Token(2));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerRepairEvents events = new MicrometerRepairEvents(registry);

    @Test
    void countsRangesKeysAndBytesByModeAndOutcomeFromZero() {
        assertThat(count("coordinator.repair.ranges", "mode", "repair", "outcome", "failed")).isZero();

        events.rangeDone(ACME, new RangeRepairOutcome.Repaired(RANGE, new RepairReport(16, 2, 40, 5, 6, 900, 300)), false);
        events.rangeDone(ACME, new RangeRepairOutcome.ReplicaFailed(RANGE, new NodeId("n2"), "no answer",
                new RepairReport(16, 0, 0, 0, 0, 120, 0)), false);
        events.rangeDone(ACME, new RangeRepairOutcome.Repaired(RANGE, new RepairReport(16, 1, 10, 3, 0, 50, 0)), true);

        assertThat(count("coordinator.repair.ranges", "mode", "repair", "outcome", "repaired")).isEqualTo(1);
        assertThat(count("coordinator.repair.ranges", "mode", "repair", "outcome", "failed")).isEqualTo(1);
        assertThat(count("coordinator.repair.subranges.compared", "mode", "repair")).isEqualTo(32);
        assertThat(count("coordinator.repair.keys.differing", "mode", "repair")).isEqualTo(5);
        assertThat(count("coordinator.repair.keys.differing", "mode", "dry_run")).isEqualTo(3);
        assertThat(count("coordinator.repair.keys.repaired", "mode", "repair")).isEqualTo(6);
        assertThat(count("coordinator.repair.bytes", "mode", "repair", "direction", "read")).isEqualTo(1020);
        assertThat(count("coordinator.repair.bytes", "mode", "repair", "direction", "written")).isEqualTo(300);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }
}
