package io.pairdb.cli.kv;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.Host;
import io.pairdb.cli.output.OutputFormat;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "get", description = "Reads a key's newest value.")
final class KvGetCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant the key belongs to.")
    private String tenantId;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    private String key;

    @Option(names = "--consistency", paramLabel = "LEVEL", description = "one, quorum or all (default: the server's, quorum).")
    private Consistency consistency;

    @Option(names = "--raw", description = "Print only the value's bytes, exactly as stored (for pipes and binary values).")
    private boolean raw;

    private final Host host;

    KvGetCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /**
     * The JSON document of {@code kv get}.
     *
     * @param value the value as text, or {@code null} when it is not UTF-8
     * @param valueBase64 the value's bytes, always present
     */
    record Read(
            String tenantId,
            String key,
            String value,
            String valueBase64,
            List<ClockEntry> vectorClock,
            long timestampMs,
            Instant timestamp,
            int replicaCount,
            String consistency) {
    }

    @Override
    public Integer call() {
        if (raw && options.output() != OutputFormat.TABLE) {
            throw new ParameterException(spec.commandLine(), "--raw prints the bytes alone; it does not go with -o " + options.output().name().toLowerCase(Locale.ROOT));
        }
        var response = options.coordinator().readKeyValue(ReadKeyValueRequest.newBuilder()
                .setTenantId(tenantId)
                .setKey(key)
                .setConsistency(Consistency.wireValue(consistency))
                .build());
        if (!response.getSuccess()) {
            throw CommandFailure.server("the coordinator did not read " + tenantId + "/" + key + ": " + response.getErrorMessage());
        }
        byte[] bytes = response.getValue().toByteArray();
        if (raw) {
            return printRaw(bytes);
        }
        var read = new Read(tenantId, key, utf8(bytes), Base64.getEncoder().encodeToString(bytes),
                ClockEntry.from(response.getVectorClock()), response.getTimestampMs(),
                Instant.ofEpochMilli(response.getTimestampMs()), response.getReplicaCount(), response.getConsistency());
        return options.print(read, TextTable.fields(
                "TENANT", read.tenantId(),
                "KEY", read.key(),
                "VALUE", read.value() != null ? read.value() : "(%d bytes, not UTF-8: use --raw or -o json)".formatted(bytes.length),
                "CLOCK", ClockEntry.text(read.vectorClock()),
                "TIMESTAMP", Times.text(read.timestamp()) + " (" + read.timestampMs() + " ms)",
                "REPLICAS", read.replicaCount() + " at " + Consistency.text(read.consistency())));
    }

    private int printRaw(byte[] bytes) {
        try {
            host.out().write(bytes);
            host.out().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the value to standard output", e);
        }
        return ExitCodes.OK;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
