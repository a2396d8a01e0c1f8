package io.pairdb.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Columns aligned with two spaces between them, like {@code kubectl get} or
 * {@code nodetool status}: no borders, so the output still greps and cuts well.
 */
public final class TextTable {

    private static final String GAP = "  ";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private TextTable(List<String> header) {
        this.header = header;
    }

    public static TextTable withColumns(String... header) {
        return new TextTable(List.of(header));
    }

    /** Adds a row; {@code null} cells print as {@code -}. */
    public TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(cell -> Objects.toString(cell, "-")).toList());
        return this;
    }

    /** The header line and one line per row, each ending in a newline. */
    public String render() {
        int[] widths = new int[header.size()];
        for (List<String> line : allLines()) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], width(line.get(column)));
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> line : allLines()) {
            StringBuilder rendered = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                String cell = line.get(column);
                rendered.append(cell);
                if (column < widths.length - 1) {
                    rendered.append(" ".repeat(widths[column] - width(cell))).append(GAP);
                }
            }
            text.append(rendered.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /**
     * A record shown as {@code NAME  value} lines, for commands that show one thing.
     * Pairs alternate: name, value, name, value, ...
     */
    public static String fields(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        int width = 0;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            width = Math.max(width, width(namesAndValues[i].toString()));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i].toString();
            text.append(name).append(" ".repeat(width - width(name))).append(GAP)
                    .append(Objects.toString(namesAndValues[i + 1], "-")).append('\n');
        }
        return text.toString();
    }

    private List<List<String>> allLines() {
        List<List<String>> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(rows);
        return lines;
    }

    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
