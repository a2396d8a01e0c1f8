package io.pairdb.app.topology;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.adapters.postgres.PostgresRingEpochListener;
import io.pairdb.app.config.TopologyChangeProperties;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.RunChangeDrivers;
import io.pairdb.core.topology.EpochFence;
import io.pairdb.core.topology.TopologyChange;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * The periodic side of topology changes, from the moment this coordinator serves requests: it
 * hears epoch changes through PostgreSQL LISTEN/NOTIFY (reloading the ring and reporting the
 * new epoch at once), confirms and reports the epoch it serves every {@code heartbeat-interval}
 * (a coordinator that cannot stops serving data requests after {@code stale-after}), and every
 * {@code takeover-interval} resumes changes whose driver went silent. At an orderly stop it
 * saves the progress of the changes it drives (another coordinator resumes them once their
 * lease runs out) and leaves the registry, so nobody waits for it.
 */
@Context
public class TopologyChangeTasks implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyChangeTasks.class);

    private final EpochFence fence;
    private final RunChangeDrivers driver;
    private final ClusterTopology topology;
    private final DataSource dataSource;
    private final TopologyChangeProperties properties;
    private final AtomicBoolean serving = new AtomicBoolean();
    private volatile PostgresRingEpochListener listener;

    public TopologyChangeTasks(EpochFence fence, RunChangeDrivers driver, ClusterTopology topology, DataSource dataSource,
                               TopologyChangeProperties properties) {
        this.fence = fence;
        this.driver = driver;
        this.topology = topology;
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /** Several servers (gRPC, management HTTP) announce their start; the first one counts. */
    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (!serving.compareAndSet(false, true)) {
            return;
        }
        if (properties.isListen()) {
            listener = new PostgresRingEpochListener(dataSource, this::epochChanged).start();
        }
        heartbeat();
    }

    private void epochChanged() {
        long before = topology.current().epoch();
        heartbeat();
        long now = topology.current().epoch();
        if (now != before) {
            LOG.atInfo().addKeyValue("event", "ring_epoch_notified").addKeyValue("epoch", now)
                    .addKeyValue("previous_epoch", before).log("serving ring epoch {} (notified)", now);
        }
    }

    @Scheduled(fixedDelay = "${pairdb.topology-changes.heartbeat-interval:5s}")
    void heartbeat() {
        if (!serving.get()) {
            return;
        }
        PeriodicRound.run(LOG, "coordinator_heartbeat_failed", "could not confirm and report the served ring epoch "
                + "(data requests are refused as TOPOLOGY_STALE once this lasts pairdb.topology-changes.stale-after)",
                fence::confirmServedEpoch);
    }

    @Scheduled(fixedDelay = "${pairdb.topology-changes.takeover-interval:10s}",
            initialDelay = "${pairdb.topology-changes.takeover-interval:10s}")
    void takeOver() {
        if (!serving.get()) {
            return;
        }
        PeriodicRound.run(LOG, "topology_change_takeover_failed", "could not look for abandoned topology changes", () -> {
            List<TopologyChange> taken = driver.takeOverAbandoned();
            if (!taken.isEmpty()) {
                LOG.atInfo().addKeyValue("event", "topology_changes_taken_over").addKeyValue("count", taken.size())
                        .log("took over {} topology changes", taken.size());
            }
        });
    }

    @PreDestroy
    void stop() {
        if (!serving.getAndSet(false)) {
            return;
        }
        PostgresRingEpochListener l = listener;
        if (l != null) {
            l.close();
        }
        driver.stop();
        try {
            fence.leave();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("event", "coordinator_leave_failed")
                    .log("could not leave the coordinator registry (it ages out): {}", e.getMessage());
        }
    }
}
