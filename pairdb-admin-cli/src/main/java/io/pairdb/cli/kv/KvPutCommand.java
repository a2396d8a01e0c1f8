package io.pairdb.cli.kv;

import com.google.protobuf.ByteString;
import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "put", description = "Writes a value.")
final class KvPutCommand implements Callable<Integer> {

    private static final String STDIN = "-";

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant the key belongs to.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    private String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE",
            description = "The value as UTF-8 text, or - to read its bytes from standard input.")
    private String value;

    @Option(names = "--value-file", paramLabel = "FILE", description = "Read the value's bytes from FILE instead.")
    private Path valueFile;

    @Option(names = "--consistency", paramLabel = "LEVEL", description = "one, quorum or all (default: the server's, quorum).")
    private Consistency consistency;

    @Option(names = "--idempotency-key", paramLabel = "K",
            description = "Retrying with the same key returns the first write's answer instead of writing again.")
    private String idempotencyKey;

    private final Host host;

    KvPutCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    @Override
    public Integer call() {
        var request = WriteKeyValueRequest.newBuilder()
                .setTenantId(tenantId)
                .setKey(key)
                .setValue(ByteString.copyFrom(readValue()))
                .setConsistency(Consistency.wireValue(consistency));
        if (idempotencyKey != null) {
            request.setIdempotencyKey(idempotencyKey);
        }
        var response = options.coordinator().writeKeyValue(request.build());
        if (!response.getSuccess()) {
            throw CommandFailure.server("the coordinator did not write " + tenantId + "/" + key + ": " + response.getErrorMessage());
        }
        return Acknowledged.of(tenantId, key, response).print(options, Acknowledged.Done.WRITTEN);
    }

    private byte[] readValue() {
        if ((value == null) == (valueFile == null)) {
            throw new ParameterException(spec.commandLine(), "give the value either as VALUE or with --value-file FILE");
        }
        if (valueFile != null) {
            try {
                return Files.readAllBytes(valueFile);
            } catch (NoSuchFileException e) {
                throw CommandFailure.local("cannot read --value-file " + valueFile + ": no such file", e);
            } catch (AccessDeniedException e) {
                throw CommandFailure.local("cannot read --value-file " + valueFile + ": permission denied", e);
            } catch (IOException e) {
                throw CommandFailure.local("cannot read --value-file " + valueFile + ": " + e.getMessage(), e);
            }
        }
        if (value.equals(STDIN)) {
            try {
                return host.in().readAllBytes();
            } catch (IOException e) {
                throw CommandFailure.local("cannot read the value from standard input: " + e.getMessage(), e);
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
