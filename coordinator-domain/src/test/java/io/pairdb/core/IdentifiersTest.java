package io.pairdb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
    /** The grammar as a regular expression: the specification the hand-written check is held to. */
    private static Pattern grammar(int maxLength) {
        return Pattern.compile("[A-Za-z0-9._-]{1," + maxLength + "}");
    }

    @Test
    void theEdgesOfTheAlphabetAndOfTheLength() {
        assertThat(Identifiers.isPlainName("aAzZ09._-", 64)).isTrue();
        assertThat(Identifiers.isPlainName("x".repeat(64), 64)).isTrue();
        assertThat(Identifiers.isPlainName("x".repeat(65), 64)).isFalse();
        assertThat(Identifiers.isPlainName("", 64)).isFalse();
        assertThat(Identifiers.isPlainName(null, 64)).isFalse();
        for (String wrong : new String[] {"a b", "a/b", "a@b", "a\u0000b", "caf\u00e9", "a\nb", "a:b", "`", "{", "[", "/"}) {
            assertThat(Identifiers.isPlainName(wrong, 64)).as(wrong).isFalse();
        }
    }

    @Property(tries = 3000)
    void agreesWithTheRegularExpression(@ForAll("names") String value, @ForAll @IntRange(min = 1, max = 130) int max) {
        assertThat(Identifiers.isPlainName(value, max)).as(value + " within " + max)
                .isEqualTo(grammar(max).matcher(value).matches());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aAzZ09._-").ofMinLength(0).ofMaxLength(130),
                Arbitraries.strings().withChars("aZ0._-/:@ `{[\u00e9\n").ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(70));
    }
}
