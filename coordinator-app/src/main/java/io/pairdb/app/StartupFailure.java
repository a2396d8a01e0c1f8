package io.pairdb.app;

import io.pairdb.app.config.ConfigurationError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns whatever stopped start-up into one line an operator can act on, instead of a stack trace. */
final class StartupFailure {
    private static final Pattern PROPERTY = Pattern.compile("property value \\[([^\\]]+)\\]");

    private StartupFailure() {
    }

    static String describe(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            if (t instanceof ConfigurationError) {
                return t.getMessage();
            }
        }
        // Micronaut: "... Error resolving property value [key]. Unable to convert ... Path Taken: ..."
        for (Throwable t : chain) {
            Matcher m = t.getMessage() == null ? null : PROPERTY.matcher(t.getMessage());
            if (m != null && m.find()) {
                String rest = t.getMessage().substring(m.end()).replaceFirst("^\\.\\s*", "");
                int pathTaken = rest.indexOf("Path Taken");
                return "invalid configuration " + m.group(1) + ": " + oneLine(pathTaken >= 0 ? rest.substring(0, pathTaken) : rest);
            }
        }
        // the outermost exception that is not Micronaut's wrapping says what failed ("Failed to initialize pool:
        // Connection to localhost:5432 refused"); the root alone is often too terse ("Connection refused")
        for (Throwable t : chain) {
            if (!t.getClass().getName().startsWith("io.micronaut.") && t.getMessage() != null && !t.getMessage().isBlank()) {
                return oneLine(t.getMessage());
            }
        }
        Throwable root = chain.getLast();
        return oneLine(root.getMessage() != null ? root.getMessage() : root.getClass().getName());
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
