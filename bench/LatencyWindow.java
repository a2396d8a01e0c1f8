import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The latencies of one window of a bench run, from its interval log ({@code pairdb-admin bench ...
 * --latency-log FILE}): every interval that lies wholly between START and END (seconds since the
 * epoch, decimals allowed) is added up per tag. Prints one line per tag: the tag, the count, its
 * rate over the window, p50, p99 and max in microseconds, then a line {@code window SECONDS} with
 * the time those intervals cover. Run by bench/run.sh with the pairdb-admin jar on the class path
 * (for HdrHistogram): {@code java -cp pairdb-admin.jar bench/LatencyWindow.java LOG START END}.
 */
public final class LatencyWindow {

    public static void main(String[] args) throws FileNotFoundException {
        if (args.length != 3) {
            System.err.println("usage: LatencyWindow LOG START END (seconds since the epoch)");
            System.exit(2);
        }
        long startMillis = Math.round(Double.parseDouble(args[1]) * 1000);
        long endMillis = Math.round(Double.parseDouble(args[2]) * 1000);
        Map<String, Histogram> byTag = new TreeMap<>();
        long coveredFrom = Long.MAX_VALUE;
        long coveredTo = Long.MIN_VALUE;
        HistogramLogReader reader = new HistogramLogReader(Path.of(args[0]).toFile());
        EncodableHistogram next;
        while ((next = reader.nextIntervalHistogram()) != null) {
            if (next.getStartTimeStamp() < startMillis || next.getEndTimeStamp() > endMillis) {
                continue;
            }
            Histogram interval = (Histogram) next;
            byTag.computeIfAbsent(interval.getTag(), tag -> new Histogram(interval.getHighestTrackableValue(),
                    interval.getNumberOfSignificantValueDigits())).add(interval);
            coveredFrom = Math.min(coveredFrom, interval.getStartTimeStamp());
            coveredTo = Math.max(coveredTo, interval.getEndTimeStamp());
        }
        double seconds = coveredTo > coveredFrom ? (coveredTo - coveredFrom) / 1e3 : 0;
        byTag.forEach((tag, histogram) -> System.out.printf(Locale.ROOT, "%s %d %.1f %d %d %d%n", tag,
                histogram.getTotalCount(), seconds > 0 ? histogram.getTotalCount() / seconds : 0,
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), histogram.getMaxValue()));
        System.out.printf(Locale.ROOT, "window %.2f%n", seconds);
    }
}
