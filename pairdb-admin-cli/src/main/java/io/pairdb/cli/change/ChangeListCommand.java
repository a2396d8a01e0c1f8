package io.pairdb.cli.change;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.output.TextTable;
import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.ListChangesRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Prototype
@Command(name = "list", description = "Lists topology changes, newest first, with their progress.")
final class ChangeListCommand implements Callable<Integer> {

    private final CommonOptions options;

    @Spec
    private CommandSpec spec;

    @Option(names = "--in-progress", description = "Only the changes still running.")
    private boolean inProgressOnly;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N changes (default: ${DEFAULT-VALUE}).")
    private int limit;

    ChangeListCommand(CommonOptions options) {
        this.options = options;
    }

    /** The JSON document of {@code change list}. */
    record Listed(List<ChangeView> changes) {
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
        }
        var response = options.admin().listChanges(ListChangesRequest.newBuilder()
                .setLimit(limit).setInProgressOnly(inProgressOnly).build());
        List<ChangeView> changes = response.getChangesList().stream().map(ChangeView::from).toList();
        return options.print(new Listed(changes), text(changes));
    }

    private static String text(List<ChangeView> changes) {
        if (changes.isEmpty()) {
            return "No topology changes.";
        }
        TextTable table = TextTable.withColumns("CHANGE", "TYPE", "SUBJECT", "STATUS", "PROGRESS", "KEYS", "STARTED", "COMPLETED");
        changes.forEach(c -> table.row(c.changeId(), c.type(), c.subject(), c.status(),
                c.rangesText() + " (" + c.percentText() + ")", c.totals().keys(), Times.text(c.startedAt()),
                Times.text(c.completedAt())));
        return table.render();
    }
}
