package io.pairdb.emulator;

import io.pairdb.storage.contract.NodeUnderTest;
import io.pairdb.storage.contract.StorageNodeContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/** The emulator passes the storage contract over gRPC's in-process transport too. */
class EmulatorInProcessContractTest extends StorageNodeContract {

    @Override
    protected NodeUnderTest start(NodeUnderTest.Settings settings) {
        return start(settings, StorageNodeEmulator.builder().inProcess("emulator-" + UUID.randomUUID()));
    }

    static NodeUnderTest start(NodeUnderTest.Settings settings, StorageNodeEmulator.Builder transport) {
        try {
            StorageNodeEmulator emulator = transport.nodeId(settings.nodeId()).clock(settings.clock())
                    .tombstoneGcGrace(settings.tombstoneGcGrace())
                    .tombstoneSweepInterval(settings.tombstoneSweepInterval())
                    .start();
            return NodeUnderTest.of(emulator.newChannel(), emulator::purgeExpiredTombstones, emulator::close);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
