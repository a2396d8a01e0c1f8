package io.pairdb.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way operators type them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 90d}, or ISO-8601 {@code PT10S}. */
public final class TimeoutConverter implements ITypeConverter<Duration> {

    /** A hundred years: a deadline is counted in nanoseconds, which run out after some 292. */
    private static final Duration LONGEST = Duration.ofDays(36500);

    private static final Pattern SHORT_FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.strip());
        if (duration.isNegative() || duration.isZero()) {
            throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw new TypeConversionException("'" + value + "' is too long: at most 36500d");
        }
        return duration;
    }

    private static Duration parse(String value) {
        Matcher matcher = SHORT_FORM.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalStateException("unhandled unit in " + value);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration (use e.g. 500ms, 10s, 2m)");
        }
    }

    /** The short form of a duration, as {@link #convert} reads it back. */
    public static String format(Duration duration) {
        if (duration.toMillisPart() != 0 || duration.toSeconds() == 0) {
            return duration.toMillis() + "ms";
        }
        return duration.toSeconds() + "s";
    }
}
