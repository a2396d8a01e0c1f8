package io.pairdb.app.chart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Just enough of PromQL to find the series an expression reads: each metric name with its label
 * matchers. Durations, strings, label lists of {@code by}/{@code on}/… and numbers are skipped;
 * an unknown function or unbalanced brackets fail, so a typo in a rule or a panel fails the test
 * that reads it instead of passing unnoticed. Grafana variables ({@code $job}, {@code
 * $__rate_interval}) may appear where they do in dashboards: inside matchers and ranges.
 */
public final class PromQl {
    /** A metric named in an expression, with the text of its matchers (empty without braces). */
    public record Selector(String metric, String matchers) {
    }

    /** Aggregations: their grouping may come before the parenthesis ({@code sum by (le) (…)}). */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile");
    private static final Set<String> FUNCTIONS = Set.of(
            "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month",
            "day_of_week", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_quantile", "holt_winters",
            "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute",
            "month", "predict_linear", "rate", "resets", "round", "scalar", "sort", "sort_desc", "sqrt", "time",
            "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
            "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
            "present_over_time");
    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private PromQl() {
    }

    /** Every selector of the expression, in order. */
    public static List<Selector> selectors(String expr) {
        List<Selector> found = new ArrayList<>();
        int depth = 0;
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                i++;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' at " + i + " in: " + expr);
                }
                i++;
            } else if (c == '[') {
                i = closing(expr, i, '[', ']') + 1;
            } else if (c == '{') {
                // matchers without a metric name: {__name__="…"} is not used by PairDB's rules or panels
                throw new IllegalArgumentException("a selector without a metric name at " + i + " in: " + expr);
            } else if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i) + 1;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                i = endOfNumber(expr, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                        || expr.charAt(i) == ':')) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpace(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                if (AGGREGATIONS.contains(word) && (call || expr.startsWith("by", next)
                        || expr.startsWith("without", next))) {
                    // the grouping, if any, is the next word
                } else if (LABEL_LISTS.contains(word)) {
                    if (call) {
                        i = closing(expr, next, '(', ')') + 1;
                    } else if (!word.startsWith("group_")) {
                        throw new IllegalArgumentException("'" + word + "' without a label list in: " + expr);
                    }
                } else if (KEYWORDS.contains(word)) {
                    // an operator
                } else if (call) {
                    if (!FUNCTIONS.contains(word)) {
                        throw new IllegalArgumentException("unknown function '" + word + "' in: " + expr);
                    }
                } else if (next < n && expr.charAt(next) == '{') {
                    int end = closing(expr, next, '{', '}');
                    found.add(new Selector(word, expr.substring(next + 1, end).strip()));
                    i = end + 1;
                } else {
                    found.add(new Selector(word, ""));
                }
            } else if ("+-*/%^=!<>~".indexOf(c) >= 0) {
                i++;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in: " + expr);
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in: " + expr);
        }
        return found;
    }

    /** The metric names the expression reads. */
    public static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        selectors(expr).forEach(s -> names.add(s.metric()));
        return names;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index of the bracket closing the one at {@code open}, skipping strings. */
    private static int closing(String s, int open, char opening, char closing) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(s, i);
            } else if (c == opening) {
                depth++;
            } else if (c == closing && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed '" + opening + "' at " + open + " in: " + s);
    }

    private static int endOfString(String s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed string at " + open + " in: " + s);
    }

    private static int endOfNumber(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean exponentSign = (c == '-' || c == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E');
            if (Character.isLetterOrDigit(c) || c == '.' || exponentSign) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }
}
