package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ListApiKeysRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "list", description = "Lists every API key, revoked and expired ones included (never a token).")
final class KeyListCommand implements Callable<Integer> {

    private final CommonOptions options;

    KeyListCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        Instant now = Instant.now();
        List<ApiKeyView> keys = options.auth().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getKeysList().stream()
                .map(k -> ApiKeyView.from(k, now)).toList();
        return options.print(new ApiKeyView.Many(keys), keys.isEmpty() ? "No API keys." : ApiKeyView.table(keys));
    }
}
