package io.pairdb.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The question a destructive command asks before it deletes or moves data, as kubectl and
 * riak-admin do: {@code --yes} skips it; with no terminal on stdin nobody can answer, so the
 * command refuses (exit 1) and says to add {@code --yes} rather than reading a stray line of a
 * pipe as consent.
 */
public final class Confirmation {

    private Confirmation() {
    }

    /**
     * Returns when the action may go ahead.
     *
     * @param action what would be done, e.g. {@code remove storage node n2}
     * @param question the prompt, without {@code [y/N]}
     * @throws CommandFailure (exit 1) when not confirmed
     */
    public static void require(Host host, boolean yes, String action, String question) {
        if (yes) {
            return;
        }
        if (!host.stdinIsTerminal()) {
            throw CommandFailure.local("not confirmed: stdin is not a terminal, so nobody can be asked to "
                    + action + "; add --yes to do it without asking");
        }
        host.err().print(question + " [y/N] ");
        host.err().flush();
        String answer;
        try {
            answer = new BufferedReader(new InputStreamReader(host.in(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw CommandFailure.local("could not read the confirmation: " + e.getMessage(), e);
        }
        if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
            throw CommandFailure.local("not confirmed: did not " + action + " (add --yes to skip the question)");
        }
    }
}
