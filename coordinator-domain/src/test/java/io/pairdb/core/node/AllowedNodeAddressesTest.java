package io.pairdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedNodeAddressesTest {

    @Test
    void ipv4RangesAllowAddressesInsideAndRefuseOthers() {
        AllowedNodeAddresses allowed = AllowedNodeAddresses.parse(List.of("10.1.0.0/16", "192.168.7.9"));
        assertThat(allowed.allows("10.1.200.3")).isTrue();
        assertThat(allowed.allows("192.168.7.9")).isTrue();
        assertThat(allowed.allows("10.2.0.1")).isFalse();
        assertThat(allowed.allows("192.168.7.10")).isFalse();
        assertThat(allowed.allows("169.254.169.254")).isFalse();
    }

    @Test
    void ipv6RangesMatchBracketedAndCompressedForms() {
        AllowedNodeAddresses allowed = AllowedNodeAddresses.parse(List.of("fd00::/8", "::1/128"));
        assertThat(allowed.allows("[::1]")).isTrue();
        assertThat(allowed.allows("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(allowed.allows("fd12:3456::9")).isTrue();
        assertThat(allowed.allows("fe80::1")).isFalse();
        assertThat(allowed.allows("::ffff:10.0.0.1")).isFalse();
    }

    @Test
    void dnsSuffixesAllowNamesEndingInThemButNeverTheSuffixAloneOrALookalike() {
        AllowedNodeAddresses allowed = AllowedNodeAddresses.parse(List.of(".svc.cluster.local", "node-a.example"));
        assertThat(allowed.allows("storage-0.storage.pairdb.svc.cluster.local")).isTrue();
        assertThat(allowed.allows("STORAGE-0.pairdb.svc.cluster.local.")).isTrue();
        assertThat(allowed.allows("node-a.example")).isTrue();
        assertThat(allowed.allows("evil-svc.cluster.local")).isFalse();
        assertThat(allowed.allows("svc.cluster.local")).isFalse();
        assertThat(allowed.allows("x.node-a.example")).isFalse();
        assertThat(allowed.allows("10.0.0.1")).isFalse();
    }

    @Test
    void anEmptyListAllowsNothingAndAStarAllowsEverything() {
        assertThat(AllowedNodeAddresses.parse(List.of()).allows("127.0.0.1")).isFalse();
        assertThat(AllowedNodeAddresses.parse(List.of()).describe()).isEqualTo("nothing");
        assertThat(AllowedNodeAddresses.parse(List.of("*")).allows("anything.example")).isTrue();
        assertThat(AllowedNodeAddresses.any().allows("203.0.113.5")).isTrue();
    }

    @Test
    void malformedEntriesAreRefusedNamingTheEntry() {
        assertThatThrownBy(() -> AllowedNodeAddresses.parse(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> AllowedNodeAddresses.parse(List.of("300.1.1.1/8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300.1.1.1/8");
        assertThatThrownBy(() -> AllowedNodeAddresses.parse(List.of("not a host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not a host'");
    }
}
