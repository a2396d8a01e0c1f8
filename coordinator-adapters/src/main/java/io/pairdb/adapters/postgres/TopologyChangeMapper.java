package io.pairdb.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.Lease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.ReplicationChange;
import io.pairdb.core.topology.StreamState;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code pending_changes} rows ↔ {@link TopologyChange}. The streams and their progress live in
 * the {@code progress} JSON (format in migration V4); tokens are unsigned decimal strings there,
 * so any JSON reader gets them right.
 */
final class TopologyChangeMapper {
    static final String COLUMNS = "change_id, change_type, node_id, status, ring_epoch, progress, started_at,"
            + " updated_at, completed_at, error_message, lease_owner, lease_expires_at, tenant_id";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TopologyChangeMapper() {
    }

    static TopologyChange toChange(ResultSet row) throws SQLException {
        String id = row.getString("change_id");
        JsonNode progress = read(row.getString("progress"), id);
        List<RangeStream> streams = streams(progress.path("streams"), id);
        String owner = row.getString("lease_owner");
        Optional<Lease> lease = owner == null ? Optional.empty()
                : Optional.of(new Lease(owner, instant(row, "lease_expires_at")));
        Optional<ReplicationChange> replication = Optional.empty();
        String tenant = row.getString("tenant_id");
        if (tenant != null) {
            JsonNode r = progress.path("replication");
            try {
                replication = Optional.of(new ReplicationChange(new TenantId(tenant), r.path("from").asInt(),
                        r.path("to").asInt()));
            } catch (IllegalArgumentException e) {
                throw new SQLException("change " + id + " has a replication subject this coordinator cannot read: "
                        + e.getMessage(), e);
            }
        }
        return new TopologyChange(new ChangeId(id), ChangeType.valueOf(row.getString("change_type")),
                Optional.ofNullable(row.getString("node_id")).map(NodeId::new), ChangeStatus.valueOf(row.getString("status")),
                row.getLong("ring_epoch"), progress.path("force").asBoolean(false),
                progress.path("unrecoverable_ranges").asInt(0), streams, instant(row, "started_at"),
                instant(row, "updated_at"), Optional.ofNullable(row.getObject("completed_at", OffsetDateTime.class))
                .map(Jdbc::toInstant), Optional.ofNullable(row.getString("error_message")), lease, replication);
    }

    /**
     * Binds the columns in {@link #COLUMNS} order, starting at 1, but the lease: parameters 11-13
     * are the caller's (owner, and the lease's owner and length for its expiry); the tenant is 14.
     */
    static void bind(PreparedStatement statement, TopologyChange change) throws SQLException {
        statement.setString(1, change.id().value());
        statement.setString(2, change.type().name());
        statement.setString(3, change.node().map(NodeId::value).orElse(null));
        statement.setString(14, change.replication().map(r -> r.tenant().value()).orElse(null));
        statement.setString(4, change.status().name());
        statement.setLong(5, change.ringEpoch());
        statement.setString(6, progress(change));
        statement.setObject(7, Jdbc.toTimestamp(change.startedAt()));
        statement.setObject(8, Jdbc.toTimestamp(change.updatedAt()));
        statement.setObject(9, change.completedAt().map(Jdbc::toTimestamp).orElse(null));
        statement.setString(10, Jdbc.message(change.error().orElse(null)));
    }

    static String progress(TopologyChange change) {
        ObjectNode root = JSON.createObjectNode();
        root.put("force", change.force());
        root.put("unrecoverable_ranges", change.unrecoverableRanges());
        change.replication().ifPresent(r -> {
            ObjectNode replication = root.putObject("replication");
            replication.put("from", r.from());
            replication.put("to", r.to());
        });
        root.set("streams", streamsJson(change.streams()));
        return write(root);
    }

    /** The streams alone, for replacing {@code progress -> streams} at a checkpoint. */
    static String streams(List<RangeStream> streams) {
        return write(streamsJson(streams));
    }

    private static ArrayNode streamsJson(List<RangeStream> streams) {
        ArrayNode array = JSON.createArrayNode();
        for (RangeStream s : streams) {
            ObjectNode o = array.addObject();
            o.put("start", s.range().start().toString());
            o.put("end", s.range().end().toString());
            o.put("target", s.target().value());
            ArrayNode sources = o.putArray("sources");
            s.sources().forEach(n -> sources.add(n.value()));
            ArrayNode rfs = o.putArray("rfs");
            s.replicationFactors().forEach(rfs::add);
            switch (s.tenants()) {
                case TenantFilter.AllTenants all -> o.putNull("tenants");
                case TenantFilter.Only only -> {
                    ArrayNode tenants = o.putArray("tenants");
                    only.tenants().forEach(t -> tenants.add(t.value()));
                }
            }
            o.put("state", s.state().name());
            o.put("keys", s.keys());
            o.put("bytes", s.bytes());
            if (s.after().isPresent()) {
                ObjectNode after = o.putObject("after");
                after.put("token", s.after().get().token().toString());
                after.put("tenant", s.after().get().tenant().value());
                String key = s.after().get().key();
                if (key.indexOf('\u0000') >= 0) {
                    // jsonb refuses the escape of U+0000 (a valid key): such a key goes as its UTF-8 in base64
                    after.put("key_base64", Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
                } else {
                    after.put("key", key);
                }
            } else {
                o.putNull("after");
            }
            o.put("failing_since", s.failingSince().map(Instant::toString).orElse(null));
            o.put("last_error", s.lastError().map(Jdbc::message).orElse(null));
            o.put("target_data", s.targetData().orElse(null));
        }
        return array;
    }

    private static List<RangeStream> streams(JsonNode array, String changeId) throws SQLException {
        List<RangeStream> streams = new ArrayList<>();
        try {
            for (JsonNode o : array) {
                List<NodeId> sources = new ArrayList<>();
                o.path("sources").forEach(n -> sources.add(new NodeId(n.asText())));
                TreeSet<Integer> rfs = new TreeSet<>();
                o.path("rfs").forEach(n -> rfs.add(n.asInt()));
                TenantFilter tenants = TenantFilter.ALL;
                if (o.path("tenants").isArray()) {
                    List<TenantId> only = new ArrayList<>();
                    o.path("tenants").forEach(n -> only.add(new TenantId(n.asText())));
                    tenants = new TenantFilter.Only(only);
                }
                JsonNode after = o.path("after");
                Optional<KeyPosition> position = after.isObject()
                        ? Optional.of(new KeyPosition(Token.parseUnsigned(after.path("token").asText()),
                        new TenantId(after.path("tenant").asText()), key(after)))
                        : Optional.empty();
                streams.add(new RangeStream(streams.size(),
                        new TokenRange(Token.parseUnsigned(o.path("start").asText()), Token.parseUnsigned(o.path("end").asText())),
                        new NodeId(o.path("target").asText()), sources, rfs, tenants,
                        StreamState.valueOf(o.path("state").asText()), o.path("keys").asLong(), o.path("bytes").asLong(),
                        position, text(o, "failing_since").map(Instant::parse), text(o, "last_error"),
                        text(o, "target_data")));
            }
        } catch (RuntimeException e) {
            throw new SQLException("change " + changeId + " has progress this coordinator cannot read: " + e.getMessage(), e);
        }
        return streams;
    }

    private static String key(JsonNode position) {
        JsonNode encoded = position.path("key_base64");
        return encoded.isTextual() ? new String(Base64.getDecoder().decode(encoded.asText()), StandardCharsets.UTF_8)
                : position.path("key").asText();
    }

    private static Optional<String> text(JsonNode o, String field) {
        JsonNode value = o.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return Jdbc.toInstant(row.getObject(column, OffsetDateTime.class));
    }

    private static JsonNode read(String json, String changeId) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("change " + changeId + " has progress that is not JSON", e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
