package io.pairdb.app;

import io.pairdb.core.PairDbException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;

/**
 * One round of a periodic task ({@code @Scheduled}), its failure logged the one way every task logs
 * it, under the task's own event name: a dependency that failed ({@link PairDbException}, e.g.
 * PostgreSQL unreachable) is a WARN line with its message, since the next round tries again;
 * anything else an ERROR line with the stack trace; a scheduler that refuses work because the
 * coordinator is stopping, nothing. Nothing escapes to the scheduler, so a round's failure never
 * reaches the next round or the framework's anonymous handler.
 *
 * <p>The beans that hold {@code @Scheduled} tasks are {@code @Context} beans: made with the context,
 * not by the scheduler after it, so that a bad setting only they read stops start-up with its one
 * line instead of a page of the scheduler's stack.
 */
public final class PeriodicRound {
    private PeriodicRound() {
    }

    /**
     * Runs {@code round}; a failure is logged on {@code log} with {@code event} and {@code what}
     * (what could not be done, e.g. "cleanup run failed").
     */
    public static void run(Logger log, String event, String what, Runnable round) {
        try {
            round.run();
        } catch (RejectedExecutionException e) {
            // the scheduler is stopping with the coordinator: there is no next round to keep
        } catch (PairDbException e) {
            log.atWarn().addKeyValue("event", event).log("{}: {}", what, e.getMessage());
        } catch (RuntimeException e) {
            log.atError().addKeyValue("event", event).setCause(e).log("{}", what);
        }
    }
}
