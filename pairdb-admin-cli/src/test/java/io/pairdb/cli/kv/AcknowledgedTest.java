package io.pairdb.cli.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line kv put and kv delete print. */
class AcknowledgedTest {

    @Test
    void oneReplicaIsNotPlural() {
        Acknowledged one = new Acknowledged("acme", "k", "", List.of(), 1, "one", false, 0);
        Acknowledged two = new Acknowledged("acme", "k", "", List.of(), 2, "quorum", false, 0);

        assertThat(one.text(Acknowledged.Done.WRITTEN)).startsWith("OK acme/k written to 1 replica at one (clock");
        assertThat(two.text(Acknowledged.Done.DELETED)).startsWith("OK acme/k deleted on 2 replicas at quorum (clock");
    }
}
