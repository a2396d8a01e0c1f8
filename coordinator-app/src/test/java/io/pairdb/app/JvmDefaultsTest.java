package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The JVM-wide settings the coordinator's main applies before anything else runs. */
class JvmDefaultsTest {

    @Test
    void nettysObjectRecyclerIsTurnedOffUnlessTheOperatorSetItThemselves() {
        Properties unset = new Properties();
        CoordinatorMain.applyJvmDefaults(unset);
        assertThat(unset.getProperty(CoordinatorMain.NETTY_RECYCLER)).isEqualTo("0");

        Properties operators = new Properties();
        operators.setProperty(CoordinatorMain.NETTY_RECYCLER, "4096");
        CoordinatorMain.applyJvmDefaults(operators);
        assertThat(operators.getProperty(CoordinatorMain.NETTY_RECYCLER)).isEqualTo("4096");
    }

    @Test
    void theRecyclerSettingIsTheOneTheNettyOnTheClassPathReads() throws IOException {
        // a Netty upgrade that renamed the property would silently turn the recycler back on
        try (InputStream recycler = io.netty.util.Recycler.class.getResourceAsStream("Recycler.class")) {
            assertThat(recycler).isNotNull();
            String constants = new String(recycler.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(constants).contains(CoordinatorMain.NETTY_RECYCLER);
        }
    }
}
