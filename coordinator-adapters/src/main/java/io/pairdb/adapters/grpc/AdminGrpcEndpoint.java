package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.adapters.security.Callers;
import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.DescribeHints;
import io.pairdb.core.hints.HintReport;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.security.Authorize;
import io.pairdb.core.ring.DescribeNodes;
import io.pairdb.core.ring.DescribeRing;
import io.pairdb.core.ring.ExplainKey;
import io.pairdb.core.hints.ReplayReport;
import java.util.concurrent.CompletableFuture;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.cleanup.Cleanups;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeReplicationFactor;
import io.pairdb.core.topology.DryRunChanges;
import io.pairdb.core.topology.EstimateChange;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.topology.TopologyChanges;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.AddStorageNodeResponse;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.CreateTenantResponse;
import io.pairdb.proto.admin.v1.DescribeRingRequest;
import io.pairdb.proto.admin.v1.DescribeRingResponse;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.ExplainKeyResponse;
import io.pairdb.proto.admin.v1.ForceCleanupRequest;
import io.pairdb.proto.admin.v1.ForceCleanupResponse;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.GetChangeResponse;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.admin.v1.GetHintStatsResponse;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.ListChangesRequest;
import io.pairdb.proto.admin.v1.ListChangesResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesResponse;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import io.pairdb.proto.admin.v1.ListTenantsResponse;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.RemoveStorageNodeResponse;
import io.pairdb.proto.admin.v1.ReplayHintsRequest;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.ListRepairRunsResponse;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairResponse;
import io.pairdb.core.repair.RepairTenants;
import io.pairdb.proto.admin.v1.ReplayHintsResponse;
import io.pairdb.core.limits.AdmitTenantCall;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.tenant.TenantQuota;
import io.pairdb.proto.admin.v1.SetTenantQuotaRequest;
import io.pairdb.proto.admin.v1.SetTenantQuotaResponse;
import io.pairdb.proto.admin.v1.SetTenantSpeculationRequest;
import io.pairdb.proto.admin.v1.SetTenantSpeculationResponse;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorResponse;
import io.pairdb.core.node.AllowedNodeAddresses;
import io.pairdb.core.topology.StreamThrottle;
import io.pairdb.proto.admin.v1.SetStreamThroughputRequest;
import io.pairdb.proto.admin.v1.SetStreamThroughputResponse;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API over gRPC: tenants, storage nodes and topology changes, ring inspection and hints. */
@Singleton
public class AdminGrpcEndpoint extends AdminServiceGrpc.AdminServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AdminGrpcEndpoint.class);

    private final TenantService tenants;
    private final DescribeHints describeHints;
    private final ReplayHints replayHints;
    private final TopologyChanges changes;
    private final DryRunChanges dryRuns;
    private final Cleanups cleanups;
    private final Authorize authorize = new Authorize();
    private final RepairTenants repairs;
    private final AllowedNodeAddresses allowedAddresses;
    private final AdmitTenantCall quotas;
    private final StreamThrottle throttle;
    private final DescribeRing describeRing;
    private final ExplainKey explainKey;
    private final DescribeNodes describeNodes;

    public AdminGrpcEndpoint(TenantService tenants, DescribeHints describeHints,
                             ReplayHints replayHints, TopologyChanges changes, DryRunChanges dryRuns,
                             Cleanups cleanups, RepairTenants repairs, AllowedNodeAddresses allowedAddresses,
                             AdmitTenantCall quotas, StreamThrottle throttle,
                             DescribeRing describeRing, ExplainKey explainKey, DescribeNodes describeNodes) {
        this.describeRing = describeRing;
        this.describeNodes = describeNodes;
        this.explainKey = explainKey;
        this.throttle = throttle;
        this.allowedAddresses = allowedAddresses;
        this.quotas = quotas;
        this.cleanups = cleanups;
        this.repairs = repairs;
        this.tenants = tenants;
        this.describeHints = describeHints;
        this.replayHints = replayHints;
        this.changes = changes;
        this.dryRuns = dryRuns;
    }

    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<CreateTenantResponse> observer) {
        respond(observer, "create tenant", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            if (request.getReplicationFactor() < 0) {
                throw GrpcErrors.invalid("INVALID_REPLICATION_FACTOR", "replication_factor must not be negative");
            }
            Optional<Integer> rf = request.getReplicationFactor() == 0 ? Optional.empty()
                    : Optional.of(request.getReplicationFactor());
            return switch (tenants.create(id, rf)) {
                case TenantService.CreateOutcome.Created c -> {
                    LOG.info("tenant {} created with replication factor {}", id, c.tenant().replicationFactor());
                    yield CreateTenantResponse.newBuilder().setTenant(AdminProtoMapper.toProto(c.tenant())).build();
                }
                case TenantService.CreateOutcome refused -> throw OutcomeErrors.of(refused, id);
            };
        });
    }

    @Override
    public void getTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> observer) {
        respond(observer, "get tenant", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            Tenant tenant = tenants.find(id).orElseThrow(() -> OutcomeErrors.tenantNotFound(id));
            TenantRateLimiter.Recent recent = quotas.recent(id);
            return GetTenantResponse.newBuilder().setTenant(AdminProtoMapper.toProto(tenant))
                    .setRecentOpsPerSecond(recent.admittedPerSecond()).setRecentThrottled(recent.throttled())
                    .setLiveCoordinators(quotas.liveCoordinators()).build();
        });
    }

    @Override
    public void listTenants(ListTenantsRequest request, StreamObserver<ListTenantsResponse> observer) {
        respond(observer, "list tenants", () -> {
            var b = ListTenantsResponse.newBuilder();
            authorize.visible(Callers.current(), tenants.list()).forEach(t -> b.addTenants(AdminProtoMapper.toProto(t)));
            return b.build();
        });
    }

    @Override
    public void setTenantSpeculation(SetTenantSpeculationRequest request,
                                     StreamObserver<SetTenantSpeculationResponse> observer) {
        respond(observer, "set tenant speculation", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            Optional<SpeculationPolicy> policy;
            try {
                policy = request.getSpeculation().isBlank() ? Optional.empty()
                        : Optional.of(SpeculationPolicy.parseSetting(request.getSpeculation()));
            } catch (IllegalArgumentException e) {
                throw GrpcErrors.invalid("INVALID_SPECULATION", e.getMessage());
            }
            return switch (tenants.setSpeculation(id, policy)) {
                case TenantService.SetSpeculationOutcome.Updated u -> {
                    LOG.atInfo().addKeyValue("event", "tenant_speculation_set").addKeyValue("tenant", id)
                            .log("tenant {}: speculation {}", id, policy.map(SpeculationPolicy::text)
                                    .orElse("the coordinator's default"));
                    yield SetTenantSpeculationResponse.newBuilder().setTenant(AdminProtoMapper.toProto(u.tenant()))
                            .build();
                }
                case TenantService.SetSpeculationOutcome.NotFound n -> throw OutcomeErrors.tenantNotFound(id);
                case TenantService.SetSpeculationOutcome.ConcurrentModification c ->
                        throw OutcomeErrors.concurrentModification("tenant '" + id + "' kept changing; retry");
            };
        });
    }

    @Override
    public void setTenantQuota(SetTenantQuotaRequest request, StreamObserver<SetTenantQuotaResponse> observer) {
        respond(observer, "set tenant quota", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            TenantQuota quota;
            try {
                quota = new TenantQuota(request.getOpsPerSecond(), request.getBytesPerSecond());
            } catch (IllegalArgumentException e) {
                throw GrpcErrors.invalid("INVALID_QUOTA", e.getMessage());
            }
            return switch (tenants.setQuota(id, quota)) {
                case TenantService.SetQuotaOutcome.Updated u -> {
                    LOG.atInfo().addKeyValue("event", "tenant_quota_set").addKeyValue("tenant", id)
                            .log("tenant {}: quota {} ops/s, {} bytes/s (0: no limit)", id, quota.opsPerSecond(),
                                    quota.bytesPerSecond());
                    yield SetTenantQuotaResponse.newBuilder().setTenant(AdminProtoMapper.toProto(u.tenant())).build();
                }
                case TenantService.SetQuotaOutcome.NotFound n -> throw OutcomeErrors.tenantNotFound(id);
                case TenantService.SetQuotaOutcome.ConcurrentModification c ->
                        throw OutcomeErrors.concurrentModification("tenant '" + id + "' kept changing; retry");
            };
        });
    }

    @Override
    public void updateReplicationFactor(UpdateReplicationFactorRequest request,
                                        StreamObserver<UpdateReplicationFactorResponse> observer) {
        respond(observer, "update replication factor", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            return switch (changes.changeReplicationFactor(id, request.getReplicationFactor())) {
                case ChangeReplicationFactor.Outcome.Started started -> {
                    TopologyChange change = started.change();
                    LOG.atInfo().addKeyValue("event", "replication_factor_change_started").addKeyValue("change", change.id())
                            .addKeyValue("tenant", id).addKeyValue("status", change.status())
                            .log("tenant {}: replication factor change {} {} ({})", id, change.id(),
                                    change.inProgress() ? "started" : "applied", change.subject());
                    yield UpdateReplicationFactorResponse.newBuilder()
                            .setTenant(AdminProtoMapper.toProto(started.tenant()))
                            .setChange(ChangeProtoMapper.toProto(change, false)).build();
                }
                case ChangeReplicationFactor.Outcome.Unchanged u ->
                        UpdateReplicationFactorResponse.newBuilder().setTenant(AdminProtoMapper.toProto(u.tenant())).build();
                case ChangeReplicationFactor.Outcome refused -> throw OutcomeErrors.of(refused, id);
            };
        });
    }

    @Override
    public void addStorageNode(AddStorageNodeRequest request, StreamObserver<AddStorageNodeResponse> observer) {
        respond(observer, "add storage node", () -> {
            NodeId id = RequestValidation.nodeId(request.getNodeId());
            RequestValidation.host(request.getHost());
            if (request.getPort() < 1 || request.getPort() > 65535) {
                throw GrpcErrors.invalid("INVALID_ADDRESS", "port must be 1-65535, was " + request.getPort());
            }
            if (!allowedAddresses.allows(request.getHost())) {
                throw GrpcErrors.error(Status.Code.PERMISSION_DENIED, "NODE_ADDRESS_NOT_ALLOWED", "host '"
                        + request.getHost() + "' is outside pairdb.storage-nodes.allowed-addresses ("
                        + allowedAddresses.describe() + ")", Map.of("host", request.getHost()));
            }
            int vnodes = request.getVirtualNodes() == 0 ? StorageNode.DEFAULT_VIRTUAL_NODES : request.getVirtualNodes();
            if (vnodes < 1 || vnodes > StorageNode.MAX_VIRTUAL_NODES) {
                throw GrpcErrors.invalid("INVALID_VIRTUAL_NODES",
                        "virtual_nodes must be 1-" + StorageNode.MAX_VIRTUAL_NODES + ", was " + vnodes);
            }
            if (request.getDryRun()) {
                EstimateChange.ChangePlan plan = planned(dryRuns.add(id, request.getHost(), request.getPort(), vnodes,
                        request.getAllowExistingData()));
                return AddStorageNodeResponse.newBuilder()
                        .setNode(AdminProtoMapper.toProto(plan.node(), ownership(plan, id)))
                        .setRingEpoch(plan.ringEpoch())
                        .setPlan(AdminProtoMapper.toProto(plan)).build();
            }
            StartOutcome.Started started = OutcomeErrors.startedOrThrow(
                    changes.add(id, request.getHost(), request.getPort(), vnodes, request.getAllowExistingData()));
            LOG.info("storage node {} added at {} with {} vnodes: change {} {}; ring epoch {}", id,
                    started.node().address(), vnodes, started.change().id(), started.change().status(), started.epoch());
            return AddStorageNodeResponse.newBuilder()
                    .setNode(AdminProtoMapper.toProto(started.node(), started.ownershipPercent()))
                    .setRingEpoch(started.epoch())
                    .setChange(ChangeProtoMapper.toProto(started.change(), false)).build();
        });
    }

    @Override
    public void removeStorageNode(RemoveStorageNodeRequest request, StreamObserver<RemoveStorageNodeResponse> observer) {
        respond(observer, "remove storage node", () -> {
            NodeId id = RequestValidation.nodeId(request.getNodeId());
            if (request.getDryRun()) {
                EstimateChange.ChangePlan plan = planned(dryRuns.remove(id, request.getForce()));
                return RemoveStorageNodeResponse.newBuilder()
                        .setNode(AdminProtoMapper.toProto(plan.node(), ownership(plan, id)))
                        .setRingEpoch(plan.ringEpoch())
                        .setPlan(AdminProtoMapper.toProto(plan)).build();
            }
            StartOutcome.Started started = OutcomeErrors.startedOrThrow(changes.remove(id, request.getForce()));
            LOG.info("storage node {} removal{}: change {} {}; ring epoch {}", id, request.getForce() ? " (forced)" : "",
                    started.change().id(), started.change().status(), started.epoch());
            return RemoveStorageNodeResponse.newBuilder()
                    .setNode(AdminProtoMapper.toProto(started.node(), started.ownershipPercent()))
                    .setRingEpoch(started.epoch())
                    .setChange(ChangeProtoMapper.toProto(started.change(), false)).build();
        });
    }

    @Override
    public void getChange(GetChangeRequest request, StreamObserver<GetChangeResponse> observer) {
        respond(observer, "get change", () -> {
            TopologyChange change = changes.find(RequestValidation.changeId(request.getChangeId()))
                    .orElseThrow(() -> OutcomeErrors.changeNotFound(request.getChangeId()));
            var proto = ChangeProtoMapper.toProto(change, true).toBuilder();
            cleanups.find(change.id()).ifPresent(c -> proto.setCleanup(CleanupProtoMapper.toProto(c,
                    cleanups.dueAt(change, c))));
            return GetChangeResponse.newBuilder().setChange(proto)
                    .setStreamThroughputBytesPerSecond(throttle.bytesPerSecond()).build();
        });
    }

    @Override
    public void setStreamThroughput(SetStreamThroughputRequest request, StreamObserver<SetStreamThroughputResponse> observer) {
        respond(observer, "set stream throughput", () -> {
            if (request.getBytesPerSecond() < 0) {
                throw GrpcErrors.invalid("INVALID_THROUGHPUT", "bytes_per_second must be 0 (no cap) or more, not "
                        + request.getBytesPerSecond());
            }
            long previous = throttle.bytesPerSecond();
            throttle.setBytesPerSecond(request.getBytesPerSecond());
            LOG.info("stream throughput cap set to {} bytes/s (was {})", request.getBytesPerSecond(), previous);
            return SetStreamThroughputResponse.newBuilder().setBytesPerSecond(throttle.bytesPerSecond())
                    .setPreviousBytesPerSecond(previous).build();
        });
    }

    @Override
    public void forceCleanup(ForceCleanupRequest request, StreamObserver<ForceCleanupResponse> observer) {
        respond(observer, "force cleanup", () -> {
            ChangeId id = RequestValidation.changeId(request.getChangeId());
            RequestValidation.reason(request.getReason(), "a forced cleanup needs a reason: it skips the grace period"
                    + " and the verification of the new replicas, and the reason is kept with the change");
            return switch (cleanups.force(id, request.getReason(), Callers.current().toString())) {
                case CleanupStore.Force.Forced forced -> {
                    TopologyChange change = changes.find(id).orElseThrow(() -> OutcomeErrors.changeNotFound(
                            request.getChangeId()));
                    yield ForceCleanupResponse.newBuilder().setChangeId(id.value())
                            .setCleanup(CleanupProtoMapper.toProto(forced.cleanup(),
                                    cleanups.dueAt(change, forced.cleanup()))).build();
                }
                case CleanupStore.Force refused -> throw OutcomeErrors.of(refused, id);
            };
        });
    }

    @Override
    public void listChanges(ListChangesRequest request, StreamObserver<ListChangesResponse> observer) {
        respond(observer, "list changes", () -> {
            int limit = RequestValidation.pageSize(request.getLimit(), 50);
            var b = ListChangesResponse.newBuilder();
            changes.list(limit, request.getInProgressOnly()).forEach(c -> b.addChanges(ChangeProtoMapper.toProto(c, false)));
            return b.build();
        });
    }

    @Override
    public void listStorageNodes(ListStorageNodesRequest request, StreamObserver<ListStorageNodesResponse> observer) {
        respond(observer, "list storage nodes", () -> {
            DescribeNodes.Listing listing = describeNodes.describe();
            Optional<HintReport> hints = hintReport();
            var b = ListStorageNodesResponse.newBuilder().setRingEpoch(listing.ringEpoch());
            listing.nodes().forEach(listed -> {
                var node = AdminProtoMapper.toProto(listed.node(), listed.ownershipPercent()).toBuilder();
                hints.ifPresent(r -> node.setHintsPending(
                        r.node(listed.node().id()).map(HintReport.NodeHints::pending).orElse(0L)));
                b.addNodes(node);
            });
            return b.build();
        });
    }

    @Override
    public void explainKey(ExplainKeyRequest request, StreamObserver<ExplainKeyResponse> observer) {
        respond(observer, "explain key", () -> {
            TenantId id = RequestValidation.tenant(request.getTenantId());
            String key = RequestValidation.key(request.getKey());
            return switch (explainKey.explain(id, key)) {
                case ExplainKey.Outcome.Explained e -> AdminProtoMapper.toProto(e);
                case ExplainKey.Outcome.TenantNotFound n -> throw OutcomeErrors.tenantNotFound(n.tenant());
            };
        });
    }

    @Override
    public void describeRing(DescribeRingRequest request, StreamObserver<DescribeRingResponse> observer) {
        respond(observer, "describe ring", () -> {
            DescribeRing.Factor factor = ringFactor(request);
            return switch (describeRing.describe(factor)) {
                case DescribeRing.Outcome.Described d -> AdminProtoMapper.toProto(d.ring());
                case DescribeRing.Outcome refused -> throw OutcomeErrors.of(refused);
            };
        });
    }

    private static DescribeRing.Factor ringFactor(DescribeRingRequest request) {
        boolean byTenant = !request.getTenantId().isEmpty();
        if (byTenant && request.getReplicationFactor() != 0) {
            throw GrpcErrors.invalid("INVALID_REPLICATION_FACTOR", "give either tenant_id or replication_factor, not both");
        }
        if (byTenant) {
            return new DescribeRing.Factor.OfTenant(RequestValidation.tenant(request.getTenantId()));
        }
        if (request.getReplicationFactor() < 0) {
            throw GrpcErrors.invalid("INVALID_REPLICATION_FACTOR", "replication_factor must be at least 1, was "
                    + request.getReplicationFactor());
        }
        return request.getReplicationFactor() == 0 ? new DescribeRing.Factor.LargestInUse()
                : new DescribeRing.Factor.Given(request.getReplicationFactor());
    }

    @Override
    public void getHintStats(GetHintStatsRequest request, StreamObserver<GetHintStatsResponse> observer) {
        respond(observer, "get hint stats", () -> HintProtoMapper.toProto(describeHints.describe()));
    }

    @Override
    public void replayHints(ReplayHintsRequest request, StreamObserver<ReplayHintsResponse> observer) {
        CompletableFuture<ReplayReport> run;
        try {
            NodeId id = RequestValidation.nodeId(request.getNodeId());
            run = switch (replayHints.request(id)) {
                case ReplayHints.Request.Started started -> {
                    LOG.info("hint replay for node {} requested through the admin API", id);
                    yield started.report();
                }
                case ReplayHints.Request refused -> throw OutcomeErrors.of(refused);
            };
        } catch (RuntimeException e) {
            observer.onError(OutcomeErrors.failure("replay hints", "-", e));
            return;
        }
        run.whenComplete((report, error) -> {
            if (error != null) {
                observer.onError(OutcomeErrors.failure("replay hints", "-", error));
                return;
            }
            observer.onNext(HintProtoMapper.toProto(report));
            observer.onCompleted();
        });
    }

    @Override
    public void repair(RepairRequest request, StreamObserver<RepairResponse> observer) {
        respond(observer, "repair", () -> {
            Optional<TenantId> tenant = request.getTenantId().isEmpty() ? Optional.empty()
                    : Optional.of(RequestValidation.tenant(request.getTenantId()));
            Optional<NodeId> node = Optional.empty();
            if (!request.getNodeId().isEmpty()) {
                node = Optional.of(RequestValidation.nodeId(request.getNodeId()));
            }
            LOG.info("{}repair of {} ({}) requested through the admin API", request.getDryRun() ? "dry-run " : "",
                    tenant.map(t -> "tenant " + t).orElse("every tenant"),
                    node.map(n -> "ranges of node " + n).orElse("every range"));
            RepairResponse response = RepairProtoMapper.toProtoOrThrow(repairs.repair(tenant, node, request.getDryRun()));
            LOG.info("repair done: {} keys differed, {} repair writes, {} ranges failed",
                    response.getTotal().getKeysDiffering(), response.getTotal().getEntriesWritten(),
                    response.getFailuresCount());
            return response;
        });
    }

    @Override
    public void listRepairRuns(ListRepairRunsRequest request, StreamObserver<ListRepairRunsResponse> observer) {
        respond(observer, "list repair runs", () -> {
            int limit = RequestValidation.pageSize(request.getLimit(), 20);
            Optional<String> run = request.getRunId().isEmpty() ? Optional.empty()
                    : Optional.of(RequestValidation.repairRunId(request.getRunId()));
            RepairTenants.Runs runs = repairs.runs(run, limit);
            if (run.isPresent() && runs.runs().isEmpty()) {
                throw GrpcErrors.error(Status.Code.NOT_FOUND, "REPAIR_RUN_NOT_FOUND",
                        "repair run '" + run.get() + "' does not exist");
            }
            return RepairProtoMapper.toProto(runs);
        });
    }

    /** Hints per node for {@code node list}; the list is still worth having when the hint store is away. */
    private Optional<HintReport> hintReport() {
        try {
            return Optional.of(describeHints.describe());
        } catch (PairDbException e) {
            LOG.warn("node list without hint counts: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The plan of a dry run, or the error the real request would have been refused with before planning. */
    private static EstimateChange.ChangePlan planned(DryRunChanges.Outcome outcome) {
        return switch (outcome) {
            case DryRunChanges.Outcome.Planned p -> p.plan();
            case DryRunChanges.Outcome.Refused r -> throw OutcomeErrors.refusal(r.outcome()).exception();
        };
    }

    private static double ownership(EstimateChange.ChangePlan plan, NodeId id) {
        return plan.ownership().stream().filter(o -> o.node().equals(id)).mapToDouble(EstimateChange.Ownership::afterPercent)
                .findFirst().orElse(0.0);
    }

    private <T> void respond(StreamObserver<T> observer, String op, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            StatusRuntimeException status = OutcomeErrors.failure(op, "-", e);
            observer.onError(status);
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
