package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "ungrant", description = "Takes permissions from an API key; every coordinator applies it within seconds.")
final class UngrantCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (see auth key list).")
    private String keyId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PERMISSION",
            description = "cluster:admin, cluster:read, tenant:ID:read, tenant:ID:write or tenant:ID:read-write.")
    private List<String> permissions;

    UngrantCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        var response = options.auth().changeGrants(ChangeGrantsRequest.newBuilder().setKeyId(keyId)
                .addAllRemove(permissions).build());
        ApiKeyView key = ApiKeyView.from(response.getKey(), Instant.now());
        return options.print(new ApiKeyView.One(key), "OK API key " + key.keyId() + " (" + key.name() + ") now holds "
                + key.grantsText());
    }
}
