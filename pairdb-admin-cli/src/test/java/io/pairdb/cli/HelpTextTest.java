package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** How every command's help reads. */
class HelpTextTest {

    /**
     * picocli prints each element of a description on a line of its own and wraps each alone, so a
     * sentence split over elements comes out ragged at the terminal's width; an element of its own is
     * only for an indented example.
     */
    @Test
    void everyDescriptionIsParagraphsWithExamplesIndented() {
        Host host = new Host(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of());
        try (ApplicationContext context = ApplicationContext.builder(PairdbAdmin.class, Environment.CLI)
                .deduceEnvironment(false).environmentPropertySource(false).singletons(host).start()) {
            List<String> ragged = new ArrayList<>();
            collect(new CommandLine(PairdbAdmin.class, new MicronautFactory(context)).getCommandSpec(), ragged);
            assertThat(ragged).as("descriptions continued on an element of their own").isEmpty();
        }
    }

    private static void collect(CommandSpec command, List<String> ragged) {
        if (command.userObject() instanceof CommandLine.HelpCommand) {
            return; // picocli's own
        }
        check(command.qualifiedName(), command.usageMessage().description(), ragged);
        for (ArgSpec arg : command.args()) {
            check(command.qualifiedName() + " " + arg.paramLabel() + (arg.isOption() ? " (option)" : ""),
                    arg.description(), ragged);
        }
        command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), ragged));
    }

    private static void check(String where, String[] description, List<String> ragged) {
        for (int i = 1; i < description.length; i++) {
            if (!description[i].startsWith(" ")) {
                ragged.add(where + ": \"" + description[i] + "\"");
            }
        }
    }
}
