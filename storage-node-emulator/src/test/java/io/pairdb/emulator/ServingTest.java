package io.pairdb.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.storage.contract.StorageNodeContract;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the emulator serves; the storage contract itself is {@code EmulatorContractTest}'s. */
class ServingTest {

    private final EmulatorFixture node = EmulatorFixture.start();

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void namesItselfAfterItsPortByDefault() throws IOException {
        try (StorageNodeEmulator unnamed = StorageNodeEmulator.builder().port(0).start()) {
            assertThat(unnamed.nodeId()).isEqualTo("emulator-" + unnamed.port());
        }
    }

    @Test
    void listsItsControlServiceThroughReflection() throws Exception {
        assertThat(StorageNodeContract.servicesListedByReflection(node.channel)).contains("pairdb.emulator.v1.EmulatorControl");
    }
}
