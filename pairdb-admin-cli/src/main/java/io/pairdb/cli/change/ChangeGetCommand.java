package io.pairdb.cli.change;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.Host;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Prototype
@Command(name = "get", description = "Shows one topology change: its state, progress totals and error; --streams adds every range.")
final class ChangeGetCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Parameters(index = "0", paramLabel = "ID", description = "The change id, as node add/remove and change list print it.")
    private String changeId;

    @Option(names = "--streams", description = "Also list every range stream (the JSON output always has them).")
    private boolean streams;

    @Option(names = {"-w", "--watch"}, description = {
        "Follow the change until it ends: a progress bar (plain lines when stdout is not a terminal), "
        + "then its final status; exits 0 if it COMPLETED, 2 if it FAILED or was ROLLED_BACK."})
    private boolean watch;

    private final Host host;

    ChangeGetCommand(CommonOptions options, Host host) {
        this.options = options;
        this.host = host;
    }

    @Override
    public Integer call() {
        if (watch) {
            ChangeView last = ChangeWatcher.forCommand(options, host).follow(changeId);
            if (options.output() != io.pairdb.cli.output.OutputFormat.TABLE) {
                options.print(last, "");
            }
            return ChangeWatcher.exitCode(last.status());
        }
        var response = options.admin().getChange(GetChangeRequest.newBuilder().setChangeId(changeId).build());
        ChangeView change = ChangeView.from(response.getChange());
        String text = text(change, streams);
        text = (text.endsWith("\n") ? text : text + "\n") + TextTable.fields("THROTTLE",
                ChangeThrottleCommand.capText(response.getStreamThroughputBytesPerSecond())
                        + " (the answering coordinator's, over every change it drives)");
        return options.print(change, text);
    }

    /** What the ranges are doing; for a change still in progress with all of them copied, what is left. */
    private static String progress(ChangeView c) {
        ChangeView.Totals t = c.totals();
        if ("IN_PROGRESS".equals(c.status()) && t.done() == t.streams()) {
            String copied = t.streams() == 0 ? "nothing to copy" : "every range copied";
            return c.tenantId() != null
                    ? copied + "; it completes once its driver finds every target still holds its copies"
                    : copied + "; what is left: its targets confirmed, the hand-over if not made yet, and every live"
                            + " coordinator serving its epochs";
        }
        return t.streaming() + " streaming, " + t.pending() + " pending";
    }

    static String text(ChangeView c, boolean withStreams) {
        ChangeView.Totals t = c.totals();
        String text = TextTable.fields(
                "CHANGE", c.changeId(),
                "TYPE", c.type() + (c.force() ? " (forced)" : ""),
                c.tenantId() != null ? "TENANT" : "NODE", c.subject(),
                "STATUS", c.status(),
                "RING EPOCH", c.ringEpoch(),
                "PROGRESS", c.rangesText() + " (" + c.percentText() + "): " + progress(c),
                "COPIED", t.keys() + " keys, " + ChangeView.bytesText(t.bytes()),
                "UNRECOVERABLE", c.unrecoverableRanges() == 0 ? null : c.unrecoverableRanges() + " ranges",
                "STARTED", Times.text(c.startedAt()),
                "UPDATED", Times.text(c.updatedAt()),
                "COMPLETED", Times.text(c.completedAt()),
                "DRIVER", c.leaseOwner() == null ? null : c.leaseOwner() + " (lease until " + Times.text(c.leaseExpiresAt()) + ")",
                "ERROR", c.error());
        if (c.cleanup() != null) {
            text = text + "\n" + c.cleanup().text();
        }
        if (!withStreams || c.streams().isEmpty()) {
            return text;
        }
        TextTable table = TextTable.withColumns("#", "RANGE", "TARGET", "SOURCES", "RF", "STATE", "KEYS", "BYTES", "ERROR");
        c.streams().forEach(s -> table.row(s.index(), "(" + s.startExclusive() + ", " + s.endInclusive() + "]", s.target(),
                String.join(",", s.sources()), s.replicationFactors().toString().replace(" ", ""), s.state(), s.keys(),
                ChangeView.bytesText(s.bytes()), s.lastError()));
        return text + "\n" + table.render();
    }
}
