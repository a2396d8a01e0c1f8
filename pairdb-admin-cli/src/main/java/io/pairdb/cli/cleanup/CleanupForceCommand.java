package io.pairdb.cli.cleanup;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Confirmation;
import io.pairdb.cli.Host;
import io.pairdb.proto.admin.v1.ForceCleanupRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "force", description = {
    "Deletes what the former owners of a completed change's ranges still hold (or, for a change that "
    + "failed, the copies it made on its targets), at the next cleanup run: without waiting for the "
    + "grace period and without verifying the new replicas. The reason, "
    + "you and the time are recorded with the change. Asks for confirmation unless --yes is given."})
final class CleanupForceCommand implements Callable<Integer> {

    private final CommonOptions options;
    private final Host host;

    @Parameters(index = "0", paramLabel = "CHANGE_ID", description = "The change that ended, as change list prints it.")
    private String changeId;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Why the grace period and the verification are skipped (recorded).")
    private String reason;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    private boolean yes;

    CleanupForceCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    /** The JSON document of {@code cleanup force}. */
    record Forced(String changeId, CleanupView cleanup) {
    }

    @Override
    public Integer call() {
        if (reason.isBlank()) {
            throw CommandFailure.local("--reason must say why the cleanup is forced");
        }
        Confirmation.require(host, yes, "force the cleanup of change " + changeId, "Force the cleanup of change "
                + changeId + "? Former owners' copies are deleted without checking the new replicas.");
        var response = options.admin().forceCleanup(ForceCleanupRequest.newBuilder().setChangeId(changeId)
                .setReason(reason).setRequestedBy(user()).build());
        CleanupView cleanup = CleanupView.from(response.getCleanup());
        String text = ("OK cleanup of change %s forced: %d of its %d ranges are deleted from their former owners at the"
                + " next cleanup run%nfollow it with: pairdb-admin change get %s").formatted(response.getChangeId(),
                cleanup.totals().pending() + cleanup.totals().skipped(), cleanup.totals().ranges(), response.getChangeId());
        return options.print(new Forced(response.getChangeId(), cleanup), text);
    }

    private String user() {
        return host.variable("USER").or(() -> host.variable("LOGNAME")).orElse(System.getProperty("user.name", "unknown"));
    }
}
