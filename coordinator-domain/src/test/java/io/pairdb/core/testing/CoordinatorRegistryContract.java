package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.port.CoordinatorRegistry.Member;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CoordinatorRegistry} does; each implementation's test extends this. */
public abstract class CoordinatorRegistryContract {
    protected abstract CoordinatorRegistry emptyRegistry();

    /** Moves every heartbeat heard so far {@code by} into the past. */
    protected abstract void ageHeartbeats(Duration by);

    private CoordinatorRegistry registry;

    @BeforeEach
    public void freshRegistry() {
        registry = emptyRegistry();
    }

    @Test
    public void aCoordinatorThatHeartbeatsIsLiveWithTheEpochItServes() {
        registry.heartbeat("coord-a", 7);
        registry.heartbeat("coord-b", 6);
        assertThat(registry.live(Duration.ofSeconds(15))).extracting(Member::coordinatorId, Member::servedEpoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("coord-a", 7L),
                        org.assertj.core.groups.Tuple.tuple("coord-b", 6L));
    }

    @Test
    public void theLatestHeartbeatSaysWhichEpochIsServed() {
        registry.heartbeat("coord-a", 7);
        registry.heartbeat("coord-a", 9);
        assertThat(registry.live(Duration.ofSeconds(15))).singleElement().extracting(Member::servedEpoch).isEqualTo(9L);
    }

    @Test
    public void aCoordinatorSilentForLongerThanTheWindowIsNotLive() {
        registry.heartbeat("coord-a", 7);
        ageHeartbeats(Duration.ofSeconds(20));
        registry.heartbeat("coord-b", 7);
        assertThat(registry.live(Duration.ofSeconds(15))).extracting(Member::coordinatorId).containsExactly("coord-b");
        assertThat(registry.live(Duration.ofSeconds(30))).extracting(Member::coordinatorId)
                .containsExactly("coord-a", "coord-b");
    }

    @Test
    public void aCoordinatorThatLeftIsForgotten() {
        registry.heartbeat("coord-a", 7);
        registry.leave("coord-a");
        registry.leave("coord-a");
        assertThat(registry.live(Duration.ofSeconds(15))).isEmpty();
    }

    @Test
    public void coordinatorsSilentForADayAreForgottenAtTheNextHeartbeat() {
        registry.heartbeat("coord-a", 7);
        ageHeartbeats(Duration.ofDays(2));
        registry.heartbeat("coord-b", 8);
        assertThat(registry.live(Duration.ofDays(3))).extracting(Member::coordinatorId).containsExactly("coord-b");
    }
}
