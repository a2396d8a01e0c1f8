package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimeoutConverterTest {

    private final TimeoutConverter converter = new TimeoutConverter();

    @Test
    void readsTheShortFormsOperatorsType() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void readsIso8601Too() {
        assertThat(converter.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void refusesZeroAndNonsense() {
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class).hasMessageContaining("500ms");
        assertThatThrownBy(() -> converter.convert("99999999999s")).isInstanceOf(TypeConversionException.class);
        // a deadline is counted in nanoseconds, which end after some 292 years
        assertThatThrownBy(() -> converter.convert("999999999d")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("at most 36500d");
        assertThat(converter.convert("36500d")).isEqualTo(java.time.Duration.ofDays(36500));
    }

    @Test
    void formatsDurationsTheWayItReadsThem() {
        assertThat(TimeoutConverter.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(TimeoutConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(TimeoutConverter.format(Duration.ofMillis(300))).isEqualTo("300ms");
    }
}
