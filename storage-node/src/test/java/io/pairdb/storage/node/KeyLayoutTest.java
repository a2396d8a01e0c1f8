package io.pairdb.storage.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.storage.server.Position;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

    /** Characters that stress the layout: NUL (escaped), the escape bytes, and both sides of the UTF-16/code point split. */
    private static final String ALPHABET = "\u0000\u0001ab\u00ff\uFFFD😀/:";

    @Test
    void sortsPositionsAsBytesExactlyAsTheScanOrderDoes() {
        Random random = new Random(18);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            positions.add(Position.of(random.nextInt(3) - 1L, text(random), text(random)));
        }

        for (int i = 0; i < positions.size() - 1; i++) {
            Position a = positions.get(i);
            Position b = positions.get(i + 1);
            int byScanOrder = Integer.signum(Position.ORDER.compare(a, b));
            int byBytes = Integer.signum(Arrays.compareUnsigned(KeyLayout.position(a), KeyLayout.position(b)));
            assertThat(byBytes).as("%s vs %s", a, b).isEqualTo(byScanOrder);
        }
    }

    @Test
    void decodesWhatItEncodes() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            Position position = Position.of(random.nextLong(), text(random), text(random));

            assertThat(KeyLayout.decodePosition(KeyLayout.position(position))).isEqualTo(position);
        }
    }

    @Test
    void keepsTenantAndKeyApartWhateverTheyContain() {
        assertThat(KeyLayout.position(1, "ab", "c")).isNotEqualTo(KeyLayout.position(1, "a", "bc"));
        assertThat(KeyLayout.position(1, "a\u0000", "b")).isNotEqualTo(KeyLayout.position(1, "a", "\u0000b"));
        assertThat(KeyLayout.identity("a\u0000\u0001", "")).isNotEqualTo(KeyLayout.identity("a", "\u0001"));
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4);
        int[] codePoints = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }
}
