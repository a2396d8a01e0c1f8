package io.pairdb.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void alignsColumnsToTheWidestCellWithoutTrailingSpaces() {
        String text = TextTable.withColumns("TENANT", "RF")
                .row("acme", 3)
                .row("a-much-longer-name", 5)
                .render();

        assertThat(text).isEqualTo("""
                TENANT              RF
                acme                3
                a-much-longer-name  5
                """);
    }

    @Test
    void countsCharactersNotUtf16UnitsWhenAligning() {
        String text = TextTable.withColumns("K", "V").row("\uD83D\uDE00", "x").row("ab", "y").render();

        assertThat(text).isEqualTo("K   V\n\uD83D\uDE00   x\nab  y\n");
    }

    @Test
    void printsAbsentCellsAsADash() {
        assertThat(TextTable.withColumns("A", "B").row("x", null).render()).endsWith("x  -\n");
    }

    @Test
    void showsOneRecordAsNamedFields() {
        assertThat(TextTable.fields("KEY", "user:1", "RING EPOCH", 9)).isEqualTo("KEY         user:1\nRING EPOCH  9\n");
    }
}
