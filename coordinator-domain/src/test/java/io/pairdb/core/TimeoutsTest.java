package io.pairdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    /** A future that marks its own kind, as a simulation's futures do (they wait on virtual time). */
    private static final class OwnKind<T> extends CompletableFuture<T> {
        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new OwnKind<>();
        }
    }

    @Test
    void theBoundedFutureIsOfTheCallsOwnKind() {
        CompletableFuture<String> bounded = Timeouts.bound(scheduler, new OwnKind<>(), Duration.ofSeconds(1),
                () -> new PairDbException("node n1", "late"));

        assertThat(bounded).isInstanceOf(OwnKind.class);
    }

    @Test
    void aCallThatAnswersInTimeGivesItsAnswer() {
        CompletableFuture<String> call = new CompletableFuture<>();
        CompletableFuture<String> bounded = Timeouts.bound(scheduler, call, Duration.ofSeconds(1),
                () -> new PairDbException("node n1", "late"));

        call.complete("ok");
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(bounded.join()).isEqualTo("ok");
    }

    @Test
    void aCallThatDoesNotAnswerFailsAtTheTimeout() {
        CompletableFuture<String> bounded = Timeouts.bound(scheduler, new CompletableFuture<>(), Duration.ofSeconds(1),
                () -> new PairDbException("node n1", "late"));

        scheduler.advance(Duration.ofMillis(999));
        assertThat(bounded).isNotDone();
        scheduler.advance(Duration.ofMillis(1));

        assertThatThrownBy(bounded::join).isInstanceOf(CompletionException.class).hasMessageContaining("late");
    }
}
