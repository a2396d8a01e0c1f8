package io.pairdb.storage.node;

import static io.pairdb.storage.contract.Fixtures.aTombstone;
import static io.pairdb.storage.contract.Fixtures.aValue;
import static io.pairdb.storage.contract.Fixtures.entry;
import static io.pairdb.storage.contract.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.storage.server.Protos;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the bulk operations do once the node stops: end, without passing a part for the whole. */
class RocksDbEngineStopTest {
    @TempDir
    Path dir;

    @Test
    void aRangeDeleteFailsAndAPurgeEndsOnceTheNodeStops() throws Exception {
        try (RocksDbEngine engine = RocksDbEngine.open(dir, true,
                new RocksDbEngine.Settings(SyncPolicy.PERIODIC, 1 << 20), Optional::empty)) {
            for (int i = 0; i < 20; i++) {
                engine.apply(Protos.entry("", entry("t", "k" + i, i, aValue("v").clock("c", 1).at(10).build())));
                engine.apply(Protos.entry("", entry("t", "gone" + i, 100 + i, aTombstone().clock("c", 1).at(10).build())));
            }

            engine.stopBulkWork();

            assertThatThrownBy(() -> engine.deleteRange(Protos.range(true, range(-1, 1000)), Optional.empty()))
                    .hasMessageContaining("the node is stopping");
            assertThat(engine.purgeTombstonesOlderThan(1_000)).as("tombstones purged").isZero();
            assertThat(engine.get("t", "k7")).as("nothing was deleted").isPresent();
            assertThat(engine.get("t", "gone7")).as("nothing was purged").isPresent();
        }
    }
}
