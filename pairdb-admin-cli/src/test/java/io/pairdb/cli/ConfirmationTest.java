package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfirmationTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Host host(String stdin, boolean terminal) {
        return new Host(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), terminal, terminal);
    }

    @Test
    public void yesSkipsTheQuestionEvenWithoutATerminal() {
        Confirmation.require(host("", false), true, "remove storage node n2", "Remove n2?");

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    public void withoutATerminalOnStdinItRefusesWithExitOneAndSaysToAddYes() {
        assertThatThrownBy(() -> Confirmation.require(host("y\n", false), false, "remove storage node n2", "Remove n2?"))
                .isInstanceOfSatisfying(CommandFailure.class, f -> {
                    assertThat(f.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
                    assertThat(f.getMessage()).contains("stdin is not a terminal").contains("add --yes")
                            .contains("remove storage node n2");
                });
        assertThat(err.toString(StandardCharsets.UTF_8)).as("nobody was asked").isEmpty();
    }

    @Test
    public void onATerminalYOrYesGoesAhead() {
        Confirmation.require(host("y\n", true), false, "remove storage node n2", "Remove n2?");
        Confirmation.require(host(" YES \n", true), false, "remove storage node n2", "Remove n2?");

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Remove n2? [y/N] ");
    }

    @Test
    public void onATerminalAnythingElseOrNoAnswerRefuses() {
        for (String answer : new String[] {"n\n", "\n", "sure\n", ""}) {
            assertThatThrownBy(() -> Confirmation.require(host(answer, true), false, "remove storage node n2", "Remove n2?"))
                    .as("answer %s", answer.strip())
                    .isInstanceOfSatisfying(CommandFailure.class, f -> assertThat(f.getMessage()).startsWith("not confirmed"));
        }
    }
}
