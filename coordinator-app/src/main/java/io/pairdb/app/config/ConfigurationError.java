package io.pairdb.app.config;

/** A setting that cannot be used; the message names the key so the operator knows what to fix. */
public final class ConfigurationError extends RuntimeException {
    public ConfigurationError(String key, String problem) {
        super("invalid configuration " + key + ": " + problem);
    }
}
