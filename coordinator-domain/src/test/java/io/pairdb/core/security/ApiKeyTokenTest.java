package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.testing.SeededRandomBytes;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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
    void eachPartTakesOnlyItsOwnAlphabet() {
        String token = newToken().reveal();
        String id = token.substring("pairdb_".length(), "pairdb_".length() + 16);
        String secret = token.substring("pairdb_".length() + 17);
        // base32 has no 0, 1, 8 or 9 and no capitals; base64url has no '+', '/' or '='
        for (char wrong : new char[] {'0', '1', '8', '9', 'A', '{', '`', '_'}) {
            assertThat(ApiKeyToken.parse("pairdb_" + wrong + id.substring(1) + "_" + secret)).as("id with " + wrong)
                    .isEmpty();
        }
        for (char wrong : new char[] {'+', '/', '=', ' ', '.', '\u00e9'}) {
            assertThat(ApiKeyToken.parse("pairdb_" + id + "_" + secret.substring(1) + wrong)).as("secret with " + wrong)
                    .isEmpty();
        }
        for (char right : new char[] {'A', 'Z', 'a', 'z', '0', '9', '-', '_'}) {
            assertThat(ApiKeyToken.parse("pairdb_" + id + "_" + right + secret.substring(1))).as("secret with " + right)
                    .isPresent();
        }
        assertThat(ApiKeyToken.parse("pairdb_" + "a2z7".repeat(4) + "_" + secret)).isPresent();
    }

    /** The grammar of the two parts, as regular expressions: the specification the parser is checked against. */
    private static final Pattern ID = Pattern.compile("[a-z2-7]{16}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

    @Property(tries = 2000)
    void aTokenParsesExactlyWhenBothPartsMatchTheirGrammar(@ForAll("ids") String id, @ForAll("secrets") String secret) {
        boolean expected = ID.matcher(id).matches() && SECRET.matcher(secret).matches();
        assertThat(ApiKeyToken.parse("pairdb_" + id + "_" + secret).isPresent()).as(id + " / " + secret)
                .isEqualTo(expected);
        assertThat(ApiKeyId.isValid(id)).isEqualTo(ID.matcher(id).matches());
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcxyz234567").ofMinLength(15).ofMaxLength(17),
                Arbitraries.strings().withChars("abz27019AZ{`-.").ofMinLength(16).ofMaxLength(16),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("AZaz09_-").ofMinLength(42).ofMaxLength(44),
                Arbitraries.strings().withChars("AZaz09_-+/=@[ ").ofMinLength(43).ofMaxLength(43),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(50));
    }

    @Test
    void printingATokenNeverShowsItsSecret() {
        ApiKeyToken token = newToken();
        String secret = token.reveal().substring(("pairdb_" + token.id() + "_").length());
        assertThat(token.toString()).doesNotContain(secret).contains(token.id().value());
    }
}
