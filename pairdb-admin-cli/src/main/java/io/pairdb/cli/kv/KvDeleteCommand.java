package io.pairdb.cli.kv;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Confirmation;
import io.pairdb.cli.Host;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "delete", description = "Deletes a key (writes a tombstone). Asks for confirmation unless --yes is given.")
final class KvDeleteCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant the key belongs to.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    private String key;

    @Option(names = "--consistency", paramLabel = "LEVEL", description = "one, quorum or all (default: the server's, quorum).")
    private Consistency consistency;

    @Option(names = "--idempotency-key", paramLabel = "K",
            description = "Retrying with the same key returns the first delete's answer instead of deleting again.")
    private String idempotencyKey;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when stdin is not a terminal).")
    private boolean yes;

    private final Host host;

    KvDeleteCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    @Override
    public Integer call() {
        Confirmation.require(host, yes, "delete " + tenantId + "/" + key, "Delete " + tenantId + "/" + key + "?");
        var request = DeleteKeyValueRequest.newBuilder()
                .setTenantId(tenantId)
                .setKey(key)
                .setConsistency(Consistency.wireValue(consistency));
        if (idempotencyKey != null) {
            request.setIdempotencyKey(idempotencyKey);
        }
        var response = options.coordinator().deleteKeyValue(request.build());
        if (!response.getSuccess()) {
            throw CommandFailure.server("the coordinator did not delete " + tenantId + "/" + key);
        }
        return Acknowledged.of(tenantId, key, response).print(options, Acknowledged.Done.DELETED);
    }
}
