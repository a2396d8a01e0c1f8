package io.pairdb.cli.auth;

import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/** {@code auth grant} and {@code auth ungrant}: one change to a key's permissions, then the key as it now is. */
abstract class GrantsChangeCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (see auth key list).")
    private String keyId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PERMISSION",
            description = "cluster:admin, cluster:read, tenant:ID:read, tenant:ID:write or tenant:ID:read-write.")
    private List<String> permissions;

    GrantsChangeCommand(CommonOptions options) {
        this.options = options;
    }

    /** Puts the permissions in the request as added or as removed. */
    abstract void change(ChangeGrantsRequest.Builder request, List<String> permissions);

    @Override
    public Integer call() {
        ChangeGrantsRequest.Builder request = ChangeGrantsRequest.newBuilder().setKeyId(keyId);
        change(request, permissions);
        var response = options.auth().changeGrants(request.build());
        ApiKeyView key = ApiKeyView.from(response.getKey(), Instant.now());
        return options.print(new ApiKeyView.One(key), "OK API key " + key.keyId() + " (" + key.name() + ") now holds "
                + key.grantsText());
    }
}
