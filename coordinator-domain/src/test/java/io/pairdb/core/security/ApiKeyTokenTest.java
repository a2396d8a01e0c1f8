package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.testing.SeededRandomBytes;
import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {
    private final SeededRandomBytes random = new SeededRandomBytes(7);

    private ApiKeyToken newToken() {
        return ApiKeyToken.generate(random.next(ApiKeyToken.ID_BYTES), random.next(ApiKeyToken.SECRET_BYTES));
    }

    @Test
    void aRevealedTokenParsesBackToTheSameKeyAndSecret() {
        ApiKeyToken token = newToken();
        ApiKeyToken parsed = ApiKeyToken.parse(token.reveal()).orElseThrow();
        assertThat(parsed.id()).isEqualTo(token.id());
        assertThat(parsed.matches(token.secretHash())).isTrue();
        assertThat(token.reveal()).startsWith("pairdb_" + token.id() + "_").hasSize("pairdb_".length() + 16 + 1 + 43);
    }

    @Test
    void anotherSecretUnderTheSameIdDoesNotMatch() {
        ApiKeyToken token = newToken();
        String forged = token.reveal().substring(0, token.reveal().length() - 1)
                + (token.reveal().endsWith("A") ? "B" : "A");
        assertThat(ApiKeyToken.parse(forged).orElseThrow().matches(token.secretHash())).isFalse();
    }

    @Test
    void textThatIsNotATokenIsRefused() {
        assertThat(ApiKeyToken.parse("")).isEmpty();
        assertThat(ApiKeyToken.parse("hunter2")).isEmpty();
        assertThat(ApiKeyToken.parse("pairdb_abc_def")).isEmpty();
        String token = newToken().reveal();
        assertThat(ApiKeyToken.parse(token + "x")).isEmpty();
        assertThat(ApiKeyToken.parse(token.toUpperCase())).isEmpty();
    }

    @Test
    void printingATokenNeverShowsItsSecret() {
        ApiKeyToken token = newToken();
        String secret = token.reveal().substring(("pairdb_" + token.id() + "_").length());
        assertThat(token.toString()).doesNotContain(secret).contains(token.id().value());
    }
}
