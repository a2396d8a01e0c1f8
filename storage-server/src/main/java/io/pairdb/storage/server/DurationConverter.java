package io.pairdb.storage.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Accepts {@code 10d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 500ms} and ISO-8601 ({@code PT1H}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String text) {
        Matcher matcher = SHORT.matcher(text.trim());
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            Duration duration = Duration.parse(text.trim());
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException("must not be negative: " + text);
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration like 10d, 12h, 30m, 45s, 500ms or PT1H");
        }
    }
}
