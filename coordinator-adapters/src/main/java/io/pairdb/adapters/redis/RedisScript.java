package io.pairdb.adapters.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pairdb.core.Futures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A Lua script run by its SHA, sent in full only when the server does not know it yet. */
record RedisScript(String source, String sha, ScriptOutputType output) {
    static RedisScript of(String source, ScriptOutputType output) {
        return new RedisScript(source, sha1(source), output);
    }

    <T> CompletionStage<T> run(RedisAsyncCommands<String, String> commands, String[] keys, String... args) {
        return commands.<T>evalsha(sha, output, keys, args).exceptionallyCompose(error -> {
            Throwable cause = Futures.cause(error);
            if (cause instanceof RedisNoScriptException) {
                // first use on this server, or it restarted: EVAL runs the script and caches it for
                // EVALSHA. The script did not run, so running it now is no second attempt.
                return commands.eval(source, output, keys, args);
            }
            return CompletableFuture.failedStage(error);
        });
    }

    private static String sha1(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-1", e);
        }
    }
}
