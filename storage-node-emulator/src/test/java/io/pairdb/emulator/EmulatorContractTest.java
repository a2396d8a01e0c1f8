package io.pairdb.emulator;

import io.pairdb.storage.contract.NodeUnderTest;
import io.pairdb.storage.contract.StorageNodeContract;

/** The emulator passes the storage contract over TCP, as the coordinator reaches it. */
class EmulatorContractTest extends StorageNodeContract {

    @Override
    protected NodeUnderTest start(NodeUnderTest.Settings settings) {
        return EmulatorInProcessContractTest.start(settings, StorageNodeEmulator.builder().port(0));
    }
}
