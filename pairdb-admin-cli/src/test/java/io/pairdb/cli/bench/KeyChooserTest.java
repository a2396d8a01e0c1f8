package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyChooserTest {

    private static final int DRAWS = 200_000;

    @Test
    void uniformSpreadsTheRequestsEvenlyOverEveryKey() {
        int[] hits = draw(KeyChooser.of(Distribution.UNIFORM, 100), 100);

        // 2 000 expected per key; ±15 % is more than 6 standard deviations
        assertThat(Arrays.stream(hits).min().orElseThrow()).isGreaterThan(1_700);
        assertThat(Arrays.stream(hits).max().orElseThrow()).isLessThan(2_300);
    }

    @Test
    void hotSendsNinetyPercentOfTheRequestsToTheFirstTenPercentOfTheKeys() {
        int[] hits = draw(KeyChooser.of(Distribution.HOT, 1_000), 1_000);

        long onHotKeys = Arrays.stream(hits, 0, 100).sum();
        assertThat((double) onHotKeys / DRAWS).isBetween(0.89, 0.91);
        // each hot key: 1 800 expected; each cold one: about 22
        assertThat(Arrays.stream(hits, 0, 100).min().orElseThrow()).isGreaterThan(1_500);
        assertThat(Arrays.stream(hits, 100, 1_000).max().orElseThrow()).isLessThan(60);
        assertThat(Arrays.stream(hits, 100, 1_000).filter(h -> h == 0).count()).as("cold keys never chosen").isLessThan(5);
    }

    @Test
    void aSmallKeySpaceStillHasOneHotKey() {
        var hot = new KeyChooser.Hot(5);
        int[] hits = draw(hot, 5);

        assertThat(hot.hotKeys()).isEqualTo(1);
        assertThat((double) hits[0] / DRAWS).isBetween(0.89, 0.91);
    }

    @Test
    void aSingleKeyGetsEveryRequest() {
        assertThat(draw(KeyChooser.of(Distribution.HOT, 1), 1)[0]).isEqualTo(DRAWS);
        assertThat(draw(KeyChooser.of(Distribution.UNIFORM, 1), 1)[0]).isEqualTo(DRAWS);
    }

    @Test
    void theSameSeedChoosesTheSameKeys() {
        KeyChooser chooser = KeyChooser.of(Distribution.HOT, 10_000);
        SplittableRandom first = new SplittableRandom(7);
        SplittableRandom second = new SplittableRandom(7);

        for (int i = 0; i < 1_000; i++) {
            assertThat(chooser.next(first)).isEqualTo(chooser.next(second));
        }
    }

    @Test
    void anEmptyKeySpaceIsRefused() {
        assertThatThrownBy(() -> KeyChooser.of(Distribution.UNIFORM, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int[] draw(KeyChooser chooser, int keys) {
        SplittableRandom random = new SplittableRandom(20_250_101);
        int[] hits = new int[keys];
        for (int i = 0; i < DRAWS; i++) {
            hits[chooser.next(random)]++;
        }
        return hits;
    }
}
