package io.pairdb.adapters.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.pairdb.core.security.Permission;
import io.pairdb.core.security.Requirement;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.AuthServiceGrpc;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one table from every RPC the coordinator serves (by full method name) to what it needs.
 * Fail-closed: an RPC missing here is refused to everyone, and a test enumerates every service
 * the server registers to find one. Health is open; reflection needs {@code cluster:read}.
 */
public final class CallPermissions {
    static final String TENANT_FIELD = "tenant_id";

    private static final Requirement ADMIN = Requirement.needs(Permission.CLUSTER_ADMIN);
    private static final Requirement READ = Requirement.needs(Permission.CLUSTER_READ);
    private static final Function<TenantId, Requirement> TENANT_READ = t -> Requirement.needs(new Permission.TenantRead(t));
    private static final Function<TenantId, Requirement> TENANT_WRITE = t -> Requirement.needs(new Permission.TenantWrite(t));
    // a tenant's own record: its readers and writers may see it, and so may cluster:read
    private static final Function<TenantId, Requirement> TENANT_RECORD = t -> Requirement.needs(Permission.CLUSTER_READ,
            new Permission.TenantRead(t), new Permission.TenantWrite(t));

    private final Map<String, CallRule> rules;

    private CallPermissions(Map<String, CallRule> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** The rule of the RPC, or empty when it has none (then it is refused). */
    public Optional<CallRule> ruleFor(String fullMethodName) {
        return Optional.ofNullable(rules.get(fullMethodName));
    }

    /** Every RPC with a rule. */
    public Set<String> methods() {
        return rules.keySet();
    }

    public static CallPermissions standard() {
        Builder b = new Builder();
        // data plane
        b.data(CoordinatorServiceGrpc.getWriteKeyValueMethod(), TENANT_WRITE);
        b.data(CoordinatorServiceGrpc.getReadKeyValueMethod(), TENANT_READ);
        b.data(CoordinatorServiceGrpc.getDeleteKeyValueMethod(), TENANT_WRITE);
        // admin: changes need cluster:admin, reads cluster:read
        b.admin(AdminServiceGrpc.getCreateTenantMethod(), ADMIN);
        b.adminPerTenant(AdminServiceGrpc.getGetTenantMethod(), TENANT_RECORD);
        // every caller may ask; the answer holds only the tenants it may see
        b.admin(AdminServiceGrpc.getListTenantsMethod(), Requirement.AUTHENTICATED);
        b.admin(AdminServiceGrpc.getUpdateReplicationFactorMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getSetTenantSpeculationMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getSetTenantQuotaMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getAddStorageNodeMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getListStorageNodesMethod(), READ);
        b.admin(AdminServiceGrpc.getRemoveStorageNodeMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getGetChangeMethod(), READ);
        b.admin(AdminServiceGrpc.getListChangesMethod(), READ);
        b.admin(AdminServiceGrpc.getSetStreamThroughputMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getForceCleanupMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getExplainKeyMethod(), READ);
        b.admin(AdminServiceGrpc.getDescribeRingMethod(), READ);
        b.admin(AdminServiceGrpc.getGetHintStatsMethod(), READ);
        b.admin(AdminServiceGrpc.getReplayHintsMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getRepairMethod(), ADMIN);
        b.admin(AdminServiceGrpc.getListRepairRunsMethod(), READ);
        // the original gateway's proto.CoordinatorService: each call needs what its v1 counterpart needs
        b.data(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getWriteKeyValueMethod(), TENANT_WRITE);
        b.data(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getReadKeyValueMethod(), TENANT_READ);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getCreateTenantMethod(), ADMIN);
        b.adminPerTenant(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getGetTenantMethod(), TENANT_RECORD);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getUpdateReplicationFactorMethod(), ADMIN);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getAddStorageNodeMethod(), ADMIN);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getRemoveStorageNodeMethod(), ADMIN);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getGetMigrationStatusMethod(), READ);
        b.admin(io.pairdb.proto.gateway.CoordinatorServiceGrpc.getListStorageNodesMethod(), READ);
        // keys are cluster administration
        b.admin(AuthServiceGrpc.getCreateApiKeyMethod(), ADMIN);
        b.admin(AuthServiceGrpc.getListApiKeysMethod(), ADMIN);
        b.admin(AuthServiceGrpc.getRevokeApiKeyMethod(), ADMIN);
        b.admin(AuthServiceGrpc.getChangeGrantsMethod(), ADMIN);
        b.admin(AuthServiceGrpc.getWhoAmIMethod(), Requirement.AUTHENTICATED);
        // operations
        b.open(HealthGrpc.getCheckMethod());
        b.open(HealthGrpc.getWatchMethod());
        b.fixed(ServerReflectionGrpc.getServerReflectionInfoMethod(), READ);
        return new CallPermissions(b.rules);
    }

    private static final class Builder {
        private final Map<String, CallRule> rules = new LinkedHashMap<>();

        void data(MethodDescriptor<?, ?> method, Function<TenantId, Requirement> requirement) {
            put(method, new CallRule.PerTenant(requirement, false));
        }

        void adminPerTenant(MethodDescriptor<?, ?> method, Function<TenantId, Requirement> requirement) {
            put(method, new CallRule.PerTenant(requirement, true));
        }

        void admin(MethodDescriptor<?, ?> method, Requirement requirement) {
            put(method, new CallRule.Fixed(requirement, true));
        }

        void fixed(MethodDescriptor<?, ?> method, Requirement requirement) {
            put(method, new CallRule.Fixed(requirement, false));
        }

        void open(MethodDescriptor<?, ?> method) {
            put(method, new CallRule.Open());
        }

        private void put(MethodDescriptor<?, ?> method, CallRule rule) {
            if (rule instanceof CallRule.PerTenant && !hasTenantField(method)) {
                throw new IllegalStateException(method.getFullMethodName() + " has no string " + TENANT_FIELD
                        + " field to decide on");
            }
            if (rules.putIfAbsent(method.getFullMethodName(), rule) != null) {
                throw new IllegalStateException("two rules for " + method.getFullMethodName());
            }
        }

        private static boolean hasTenantField(MethodDescriptor<?, ?> method) {
            if (!(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p)
                    || !(p.getMessagePrototype() instanceof Message prototype)) {
                return false;
            }
            FieldDescriptor field = prototype.getDescriptorForType().findFieldByName(TENANT_FIELD);
            return field != null && field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated();
        }
    }

    /** The tenant a request names, as sent (possibly empty or invalid). */
    static String tenantOf(Object request) {
        if (!(request instanceof Message message)) {
            return "";
        }
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(TENANT_FIELD);
        return field == null ? "" : (String) message.getField(field);
    }
}
