package io.pairdb.app.cleanup;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.app.config.CleanupProperties;
import io.pairdb.core.cleanup.RunCleanup;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * Every {@code pairdb.cleanup.interval}, from the moment this coordinator serves requests, cleans
 * up the ranges that are due (see {@link RunCleanup}). Coordinators share the work through claims
 * in PostgreSQL, so a cleanup survives the restart of any of them.
 */
@Context
public class CleanupTasks implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupTasks.class);

    private final RunCleanup cleanup;
    private final CleanupProperties properties;
    private final AtomicBoolean serving = new AtomicBoolean();

    public CleanupTasks(RunCleanup cleanup, CleanupProperties properties) {
        this.cleanup = cleanup;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        serving.set(properties.isEnabled());
    }

    @Scheduled(fixedDelay = "${pairdb.cleanup.interval:1m}", initialDelay = "${pairdb.cleanup.interval:1m}")
    void run() {
        if (!serving.get()) {
            return;
        }
        PeriodicRound.run(LOG, "cleanup_run_failed", "cleanup run failed", () -> {
            RunCleanup.Report report = cleanup.run();
            if (report.attempted() > 0) {
                LOG.atInfo().addKeyValue("event", "cleanup_run").addKeyValue("deleted", report.deleted())
                        .addKeyValue("skipped", report.skipped()).addKeyValue("kept", report.kept())
                        .addKeyValue("keys_deleted", report.keysDeleted())
                        .log("cleanup: {} ranges deleted ({} entries), {} skipped, {} kept", report.deleted(),
                                report.keysDeleted(), report.skipped(), report.kept());
            }
        });
    }

    @PreDestroy
    void stop() {
        serving.set(false);
    }
}
