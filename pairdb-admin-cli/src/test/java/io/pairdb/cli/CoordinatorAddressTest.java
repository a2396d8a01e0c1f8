package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorAddressTest {

    @Test
    void readsHostAndPort() {
        assertThat(CoordinatorAddress.parse("coord.example:50051")).isEqualTo(new CoordinatorAddress("coord.example", 50051));
    }

    @Test
    void readsBracketedIpv6AndWritesItBackTheSameWay() {
        CoordinatorAddress address = CoordinatorAddress.parse("[::1]:7000");

        assertThat(address.host()).isEqualTo("::1");
        assertThat(address).hasToString("[::1]:7000");
    }

    @Test
    void refusesWhatIsNotHostAndPort() {
        assertThatThrownBy(() -> CoordinatorAddress.parse("localhost")).hasMessage("'localhost' is not host:port");
        assertThatThrownBy(() -> CoordinatorAddress.parse(":50051")).hasMessage("':50051' is not host:port");
        assertThatThrownBy(() -> CoordinatorAddress.parse("::1:50051")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> CoordinatorAddress.parse("localhost:0")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> CoordinatorAddress.parse("pairdb_coordinator:50051"))
                .hasMessageStartingWith("'pairdb_coordinator' is not a host name or IP address");
        assertThat(CoordinatorAddress.parse("10.0.0.1:7000").host()).isEqualTo("10.0.0.1");
        assertThat(CoordinatorAddress.parse("[fe80::1]:7000").host()).isEqualTo("fe80::1");
        assertThat(CoordinatorAddress.parse("node-4.pairdb.svc.cluster.local:7000").port()).isEqualTo(7000);
    }

    @Test
    void addrWinsOverPairdbAddrWhichWinsOverTheDefault() {
        Host withVariable = host(Map.of("PAIRDB_ADDR", "from-env:1"));
        Host without = host(Map.of());
        CoordinatorAddress flag = new CoordinatorAddress("from-flag", 2);

        assertThat(CommonOptions.address(flag, withVariable)).isEqualTo(flag);
        assertThat(CommonOptions.address(null, withVariable)).isEqualTo(new CoordinatorAddress("from-env", 1));
        assertThat(CommonOptions.address(null, without)).isEqualTo(new CoordinatorAddress("localhost", 50051));
        assertThat(CommonOptions.address(null, host(Map.of("PAIRDB_ADDR", " ")))).as("blank counts as unset")
                .isEqualTo(CoordinatorAddress.DEFAULT);
    }

    private static Host host(Map<String, String> environment) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        return new Host(new ByteArrayInputStream(new byte[0]), discard, discard, environment);
    }
}
