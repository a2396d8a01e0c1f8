package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Confirmation;
import io.pairdb.cli.Host;
import io.pairdb.proto.admin.v1.RevokeApiKeyRequest;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "revoke", description = "Revokes an API key: every coordinator refuses it within seconds."
        + " Asks for confirmation unless --yes is given.")
final class KeyRevokeCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (see auth key list).")
    private String keyId;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when stdin is not a terminal).")
    private boolean yes;

    KeyRevokeCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    @Override
    public Integer call() {
        Confirmation.require(host, yes, "revoke API key " + keyId, "Revoke API key " + keyId
                + "? Whoever uses it is refused from then on.");
        var response = options.auth().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());
        ApiKeyView key = ApiKeyView.from(response.getKey(), Instant.now());
        return options.print(new ApiKeyView.One(key), response.getRevokedNow()
                ? "OK API key " + key.keyId() + " (" + key.name() + ") revoked"
                : "OK API key " + key.keyId() + " (" + key.name() + ") was already revoked at " + key.revokedAt()
                        + " by " + key.revokedBy());
    }
}
