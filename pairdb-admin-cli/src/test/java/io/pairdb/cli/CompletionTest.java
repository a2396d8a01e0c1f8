package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompletionTest {
    @Test
    public void bashCompletionKnowsTheCommands() {
        var result = cli().run("completion", "bash");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("complete -F").contains("pairdb-admin").contains("ring")
                .contains("explain-key").contains("--dry-run");
    }

    @Test
    public void zshCompletionLoadsBashcompinitFirst() {
        var result = cli().run("completion", "zsh");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n")
                .contains("complete -F");
    }

    @Test
    public void anotherShellIsAUsageError() {
        var result = cli().run("completion", "fish");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
    }
}
