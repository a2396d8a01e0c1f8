package io.pairdb.cli.bench;

import io.pairdb.cli.TimeoutConverter;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Durations as {@code --timeout} reads them ({@code 500ms}, {@code 20s}, {@code 2m}), and zero ({@code 0s}) too. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern ZERO = Pattern.compile("0+(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        if (ZERO.matcher(value.strip()).matches()) {
            return Duration.ZERO;
        }
        return new TimeoutConverter().convert(value);
    }
}
