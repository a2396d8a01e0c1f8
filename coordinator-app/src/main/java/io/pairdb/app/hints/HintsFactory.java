package io.pairdb.app.hints;

import static io.pairdb.app.config.ConfigurationError.checked;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.pairdb.adapters.hints.HintReplayLog;
import io.pairdb.adapters.hints.ObservedHints;
import io.pairdb.adapters.liveness.LivenessLog;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.FailureDetectorProperties;
import io.pairdb.app.config.HintsProperties;
import io.pairdb.core.hints.DescribeHints;
import io.pairdb.core.hints.ExpireHints;
import io.pairdb.core.hints.HintEvents;
import io.pairdb.core.hints.HintSettings;
import io.pairdb.core.hints.HintTally;
import io.pairdb.core.hints.ImmediateReplay;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.hints.ReplayHintsWhenNodesReturn;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.liveness.LivenessEvents;
import io.pairdb.core.liveness.FailureDetector;
import io.pairdb.core.version.ClockIssuer;
import jakarta.inject.Singleton;

/**
 * Builds hinted handoff and failure detection from {@code pairdb.hints.*} and
 * {@code pairdb.failure-detector.*}. {@link FailureDetection} and {@link HintMaintenance} drive them on
 * their intervals; a node seen UP again has its hints replayed at once, and is logged ({@link LivenessLog}).
 */
@Factory
public class HintsFactory {

    @Singleton
    HintSettings hintSettings(HintsProperties p, ClockIssuer clocks) {
        positive("pairdb.hints.replay-interval", p.getReplayInterval());
        positive("pairdb.hints.expiry-interval", p.getExpiryInterval());
        try {
            // hints are claimed under this coordinator's id, the one its vector clock entries carry
            return new HintSettings(clocks.coordinatorId(), p.getBatchSize(), p.getBatchPause(), p.getMaxAttempts(),
                    p.getTtl(), p.getClaimLease(), p.getDeliveryTimeout());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("pairdb.hints", e.getMessage());
        }
    }

    @Singleton
    HintEvents hintEvents(MeterRegistry registry, HintSettings settings) {
        return new ObservedHints(registry, settings.ttl());
    }

    @Singleton
    ImmediateReplay immediateReplay(ReplayHints replay) {
        return new ImmediateReplay(replay, HintReplayLog::failedIfSo);
    }

    @Singleton
    LivenessEvents livenessEvents(ImmediateReplay replay) {
        return new ReplayHintsWhenNodesReturn(new LivenessLog(), replay);
    }

    @Singleton
    HintTally hintTally(HintSettings settings, HintEvents events, Clock clock) {
        return new HintTally(settings.replayerId(), events, clock.now());
    }

    @Singleton
    ReplayHints replayHints(HintStore hints, StorageNodes nodes, ClusterTopology topology, TenantService tenants,
                            HintTally tally, Environment env, HintSettings settings) {
        return new ReplayHints(hints, nodes, topology, tenants, tally, env, settings);
    }

    @Singleton
    ExpireHints expireHints(HintStore hints, HintTally tally, Clock clock, HintSettings settings) {
        return new ExpireHints(hints, tally, clock, settings.ttl());
    }

    @Singleton
    DescribeHints describeHints(HintStore hints, ClusterTopology topology, HintTally tally, HintEvents metrics,
                                Clock clock) {
        return new DescribeHints(hints, topology, tally, metrics, clock);
    }

    @Singleton
    FailureDetector failureDetector(FailureDetectorProperties p) {
        positive("pairdb.failure-detector.interval", p.getInterval());
        return checked("pairdb.failure-detector.failures-before-down", () -> new FailureDetector(p.getFailuresBeforeDown()));
    }

    @Singleton
    DetectFailures detectFailures(ClusterTopology topology, StorageHealth health, FailureDetector detector,
                                  Environment env, FailureDetectorProperties p, LivenessEvents events) {
        positive("pairdb.failure-detector.timeout", p.getTimeout());
        // a node still answering this coordinator's data calls is busy, not DOWN
        return new DetectFailures(topology, health, detector, env.scheduler(), p.getTimeout(), events,
                env.latencies()::answers);
    }

}
