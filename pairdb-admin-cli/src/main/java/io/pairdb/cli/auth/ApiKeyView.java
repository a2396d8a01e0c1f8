package io.pairdb.cli.auth;

import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ApiKey;
import java.time.Instant;
import java.util.List;

/**
 * An API key as the CLI prints it (never its token); in JSON its fields are the proto's.
 *
 * @param status ACTIVE, EXPIRED or REVOKED, as of when the command ran
 */
record ApiKeyView(String keyId, String name, List<String> grants, Instant createdAt, String createdBy, Instant expiresAt,
                  Instant revokedAt, String revokedBy, String status) {

    static ApiKeyView from(ApiKey key, Instant now) {
        Instant expires = Times.instant(key.hasExpiresAt(), key.getExpiresAt());
        Instant revoked = Times.instant(key.hasRevokedAt(), key.getRevokedAt());
        String status = revoked != null ? "REVOKED" : expires != null && !now.isBefore(expires) ? "EXPIRED" : "ACTIVE";
        return new ApiKeyView(key.getKeyId(), key.getName(), List.copyOf(key.getGrantsList()),
                Times.instant(key.hasCreatedAt(), key.getCreatedAt()), key.getCreatedBy(), expires, revoked,
                revoked != null ? key.getRevokedBy() : null, status);
    }

    static String table(List<ApiKeyView> keys) {
        TextTable table = TextTable.withColumns("ID", "NAME", "STATUS", "GRANTS", "EXPIRES", "CREATED", "CREATED BY");
        keys.forEach(k -> table.row(k.keyId, k.name, k.status, k.grantsText(), k.expiresAt == null ? "never"
                : Times.text(k.expiresAt), Times.text(k.createdAt), k.createdBy));
        return table.render();
    }

    String grantsText() {
        return grants.isEmpty() ? "(none)" : String.join(" ", grants);
    }

    /** The JSON document of commands that answer with one key. */
    record One(ApiKeyView key) {
    }

    /** The JSON document of {@code auth key list}. */
    record Many(List<ApiKeyView> keys) {
    }
}
