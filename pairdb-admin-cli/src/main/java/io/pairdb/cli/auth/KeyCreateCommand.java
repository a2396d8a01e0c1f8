package io.pairdb.cli.auth;

import com.google.protobuf.Duration;
import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.Host;
import io.pairdb.cli.TimeoutConverter;
import io.pairdb.proto.admin.v1.CreateApiKeyRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "create", description = {
    "Issues an API key and prints its token, the only time it is shown (with -o table: the token alone on stdout, "
    + "so `pairdb-admin auth key create app --grant tenant:acme:read-write > app.token` keeps it; the rest on stderr)."})
final class KeyCreateCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Parameters(index = "0", paramLabel = "NAME", description = "What the key is for (letters, digits, '.', '_', '-').")
    private String name;

    @Option(names = "--grant", paramLabel = "PERMISSION",
            description = "A permission (repeatable): cluster:admin, cluster:read, tenant:ID:read, tenant:ID:write,"
                    + " tenant:ID:read-write.")
    private List<String> grants = new ArrayList<>();

    @Option(names = "--valid-for", paramLabel = "DURATION", converter = TimeoutConverter.class,
            description = "How long the key is valid, e.g. 90d, 12h (default: it does not expire).")
    private java.time.Duration validFor;

    KeyCreateCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code auth key create}: the key and its token. */
    record Created(ApiKeyView key, String token) {
    }

    @Override
    public Integer call() {
        var request = CreateApiKeyRequest.newBuilder().setName(name).addAllGrants(grants);
        if (validFor != null) {
            request.setValidFor(Duration.newBuilder().setSeconds(validFor.toSeconds()).setNanos(validFor.toNanosPart()));
        }
        var response = options.auth().createApiKey(request.build());
        ApiKeyView key = ApiKeyView.from(response.getKey(), Instant.now());
        int exit = options.print(new Created(key, response.getToken()), response.getToken());
        if (options.output() == io.pairdb.cli.output.OutputFormat.TABLE) {
            options.err().println("Created API key " + key.keyId() + " (" + key.name() + ") with " + key.grantsText()
                    + (key.expiresAt() == null ? ", no expiry" : ", valid until " + key.expiresAt())
                    + ". The token is shown this once: store it as a secret.");
            options.err().flush();
        }
        return exit == ExitCodes.OK ? ExitCodes.OK : exit;
    }
}
