package io.pairdb.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {
    "Prints a shell completion script for pairdb-admin, e.g.",
    "  source <(pairdb-admin completion bash)     (bash, or in ~/.bashrc)",
    "  source <(pairdb-admin completion zsh)      (zsh, or in ~/.zshrc)"})
final class CompletionCommand implements Callable<Integer> {

    enum Shell { BASH, ZSH }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    private Shell shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("pairdb-admin", spec.root().commandLine());
        if (shell == Shell.ZSH) {
            // zsh runs bash completion scripts through bashcompinit
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
