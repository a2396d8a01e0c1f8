package io.pairdb.adapters.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void escapesEveryControlCharacterAndLineSeparator() {
        assertThat(LogText.safe("a\r\nb\tc\u0000d\u001be\u2028f\\g", 100))
                .isEqualTo("a\\r\\nb\\tc\\u0000d\\u001be\\u2028f\\\\g");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(LogText.identifier("user:7/ключ-ü")).isEqualTo("user:7/ключ-ü");
        assertThat(LogText.identifier(null)).isNull();
    }

    @Test
    void cutsLongTextAndSaysHowMuchWasLeftOut() {
        assertThat(LogText.safe("abcdefghij", 4)).isEqualTo("abcd…(6 more)");
    }

    @Test
    void neverCutsBetweenTheHalvesOfASurrogatePair() {
        String text = "ab\uD83D\uDE00cd";
        assertThat(LogText.safe(text, 3)).isEqualTo("ab…(4 more)");
    }
}
