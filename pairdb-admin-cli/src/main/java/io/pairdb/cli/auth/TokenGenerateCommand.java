package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * A new token in the coordinator's format ({@code pairdb_<16 base32 characters>_<43 base64url
 * characters>}, 80 random bits of id and 256 of secret), made here, without a coordinator: the
 * bootstrap admin token a coordinator reads from {@code pairdb.security.bootstrap-token-file}.
 */
@Prototype
@Command(name = "generate", description = {
    "Prints a new random token, made on this machine, for a coordinator's bootstrap admin key "
    + "(pairdb.security.bootstrap-token-file), e.g.",
    "  kubectl create secret generic pairdb-admin-token --from-literal=token=$(pairdb-admin auth token generate)"})
final class TokenGenerateCommand implements Callable<Integer> {
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private final CommonOptions options;

    TokenGenerateCommand(CommonOptions options) {
        this.options = options;
    }

    /** The JSON document of {@code auth token generate}. */
    record Generated(String token) {
    }

    @Override
    public Integer call() {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder();
        // 16 characters of 5 bits each: the 80 bits of the coordinator's own key ids
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = "pairdb_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return options.print(new Generated(token), token);
    }
}
