package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Command lines that never reach a coordinator. */
class UsageTest {

    @Test
    void helpListsTheCommandsOnStdoutAndExitsZero() {
        var result = cli().run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("Usage: pairdb-admin", "tenant", "node", "kv", "explain-key");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void versionNamesTheBuildVersion() {
        var result = cli().run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("pairdb-admin ").doesNotContain("${project.version}", "unknown version");
    }

    @Test
    void subcommandsKnowTheVersionAndTheExitStatusesToo() {
        assertThat(cli().run("tenant", "list", "--version").stdout()).startsWith("pairdb-admin ");
        assertThat(cli().run("kv", "put", "--help").stdout()).contains("Exit status:", "2  the coordinator answered with an error");
    }

    @Test
    void everyCommandTakesTheCommonOptions() {
        for (String[] command : new String[][] {
            {"tenant", "create"}, {"tenant", "get"}, {"tenant", "list"}, {"tenant", "set-rf"}, {"tenant", "set-speculation"},
            {"tenant", "set-quota"},
            {"node", "add"}, {"node", "list"},
            {"kv", "put"}, {"kv", "get"}, {"kv", "delete"},
            {"explain-key"},
            {"auth", "key", "create"}, {"auth", "key", "list"}, {"auth", "key", "revoke"}, {"auth", "grant"},
            {"auth", "whoami"},
        }) {
            String[] args = new String[command.length + 1];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--help";

            var result = cli().run(args);

            assertThat(result.stdout()).as(String.join(" ", command)).contains("--addr", "--output", "--timeout", "--plaintext", "--ca-cert",
                    "--token-file");
        }
    }

    @Test
    void anUnknownSubcommandIsAUsageErrorThatExitsOne() {
        var result = cli().run("tenant", "destroy", "acme");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).startsWith("error: ").contains("destroy").contains("Usage: pairdb-admin tenant");
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        var result = cli().run("tenat", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        // picocli may offer several close commands; the intended one must be among them
        assertThat(result.stderr()).contains("Did you mean: pairdb-admin tenant");
    }

    @Test
    void aMissingArgumentIsAUsageErrorThatExitsOne() {
        var result = cli().run("tenant", "get");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: Missing required parameter: 'TENANT'").contains("Usage: pairdb-admin tenant get");
    }

    @Test
    void aGroupWithoutASubcommandIsAUsageError() {
        var result = cli().run("kv");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("Missing required subcommand", "put", "get", "delete");
    }

    @Test
    void anUnknownOutputFormatIsAUsageError() {
        var result = cli().run("tenant", "list", "-o", "xml");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("--output", "xml");
    }

    @Test
    void rawValueOutputDoesNotMixWithJson() {
        var result = cli().run("kv", "get", "acme", "k", "--raw", "-o", "json");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: --raw prints the bytes alone; it does not go with -o json");
    }
}
