package io.pairdb.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void aPlainLineSaysThePhaseThroughputTailAndErrors() {
        try (Progress progress = Progress.manual(err, false)) {
            progress.phase("run", "/20s");
            progress.succeeded(1_000);
            progress.succeeded(4_000);
            progress.failed();

            progress.print();
        }

        assertThat(printed()).matches("bench run 0s/20s  \\d+ ops/s  p99 4\\.00 ms  errors 1\n");
    }

    @Test
    void eachPlainLineCoversItsOwnInterval() {
        try (Progress progress = Progress.manual(err, false)) {
            progress.succeeded(9_000);
            progress.print();
            progress.succeeded(1_000);
            progress.print();
        }

        assertThat(printed().lines()).hasSize(2);
        assertThat(printed().lines().toList().get(1)).contains("p99 1.00 ms");
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlaceAndEndedOnClose() {
        try (Progress progress = Progress.manual(err, true)) {
            progress.phase("warm-up", "/5s");
            progress.print();
            progress.phase("run", "");
            progress.print();
        }

        String text = printed();
        assertThat(text).startsWith("\rbench warm-up 0s/5s").contains("\rbench run 0s  ").endsWith("\n");
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void silentPrintsNothing() {
        try (Progress progress = Progress.silent()) {
            progress.succeeded(1_000);
        }

        assertThat(printed()).isEmpty();
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
