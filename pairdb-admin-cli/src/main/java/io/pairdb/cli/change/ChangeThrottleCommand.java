package io.pairdb.cli.change;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.SetStreamThroughputRequest;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "throttle", description = {
    "Caps the MiB per second the coordinator it reaches streams, over every topology change it drives, "
    + "from the next batch on; 0 lifts the cap. Held until set again or the coordinator restarts (then "
    + "pairdb.topology-changes.stream-throughput-mib-per-second holds). change get shows it."})
final class ChangeThrottleCommand implements Callable<Integer> {
    private static final double MIB = 1024 * 1024;

    /** The cap now in force and the one it replaced, bytes per second (0: none). */
    record Throttle(long bytesPerSecond, long previousBytesPerSecond) {
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--mib-per-second", required = true, paramLabel = "N",
            description = "The cap in MiB per second (fractions allowed); 0 lifts it.")
    private double mibPerSecond;

    private final CommonOptions options;

    ChangeThrottleCommand(CommonOptions options) {
        this.options = options;
    }

    @Override
    public Integer call() {
        if (!(mibPerSecond >= 0) || mibPerSecond * MIB >= Long.MAX_VALUE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mib-per-second must be 0 (no cap) or a positive number, not " + mibPerSecond);
        }
        // a cap too small to count in bytes is the smallest one, not none (0 lifts the cap)
        long bytes = mibPerSecond == 0 ? 0 : Math.max(1, Math.round(mibPerSecond * MIB));
        var response = options.admin().setStreamThroughput(
                SetStreamThroughputRequest.newBuilder().setBytesPerSecond(bytes).build());
        Throttle throttle = new Throttle(response.getBytesPerSecond(), response.getPreviousBytesPerSecond());
        return options.print(throttle, "OK stream throughput " + capText(throttle.bytesPerSecond()) + " (was "
                + capText(throttle.previousBytesPerSecond()) + ")");
    }

    /** A cap as people read it: "no cap" or "capped at 12.5 MiB/s". */
    static String capText(long bytesPerSecond) {
        if (bytesPerSecond == 0) {
            return "no cap";
        }
        // below 0.1 MiB/s the MiB figure would read as 0.0, like no cap at all
        return bytesPerSecond < MIB / 10 ? "capped at " + bytesPerSecond + " B/s"
                : String.format(Locale.ROOT, "capped at %.1f MiB/s", bytesPerSecond / MIB);
    }
}
