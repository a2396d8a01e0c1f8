package io.pairdb.app.security;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/**
 * Whether gRPC server reflection is served: {@code pairdb.security.reflection} read as the boolean
 * start-up accepts ({@code false} in any case turns it off). A {@code notEquals = "false"}
 * requirement compared the text as written, so {@code False} or {@code FALSE} left it on.
 */
public final class ReflectionSwitch implements Condition {
    static final String KEY = "pairdb.security.reflection";

    @Override
    public boolean matches(ConditionContext context) {
        return context.getProperty(KEY, String.class).map(value -> !value.strip().equalsIgnoreCase("false"))
                .orElse(true);
    }
}
