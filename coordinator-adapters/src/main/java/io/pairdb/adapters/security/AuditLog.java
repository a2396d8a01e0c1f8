package io.pairdb.adapters.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.pairdb.adapters.runtime.LogText;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per admin call, refused ones included: who (the principal), what (the full method),
 * on what (the tenant, node, change or key the request names) and how it ended (the status
 * code). Its own logger, {@code pairdb.audit}, so it can be routed or kept apart.
 */
final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("pairdb.audit");
    // the fields that say what an admin request is about, in the order they are looked for
    private static final List<String> TARGET_FIELDS = List.of("tenant_id", "node_id", "change_id", "key_id", "name",
            "migration_id");

    private AuditLog() {
    }

    static void record(String principal, String method, Object request, Status status) {
        String target = target(request);
        LOG.atInfo().addKeyValue("event", "admin_call")
                .addKeyValue("principal", principal)
                .addKeyValue("method", method)
                .addKeyValue("target", target)
                .addKeyValue("outcome", status.getCode().name())
                .log("admin call {} by {} on {}: {}", method, principal, target.isEmpty() ? "-" : target,
                        status.getCode());
    }

    static String target(Object request) {
        if (!(request instanceof Message message)) {
            return "";
        }
        for (String name : TARGET_FIELDS) {
            FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
            if (field != null && field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                String value = (String) message.getField(field);
                if (!value.isEmpty()) {
                    return LogText.identifier(value);
                }
            }
        }
        return "";
    }
}
