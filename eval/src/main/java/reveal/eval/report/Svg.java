package reveal.eval.report;

import java.util.List;
import java.util.Locale;

/**
 * Small, dependency-free SVG charts for the report: every axis has ticks and a label, every series a legend
 * entry, so a reader never has to guess what a mark means.
 */
public final class Svg {
    private Svg() {
    }

    /** One line of a line chart: y values at the chart's x positions, with an optional +- spread (may be null). */
    public record Series(String name, double[] y, double[] spread, String color, boolean dashed) {
    }

    /** One group of a bar chart: a label and one value (and spread) per bar series. */
    public record Group(String label, double[] values, double[] spread) {
    }

    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"};

    private static final int W = 560, H = 320, L = 64, R = 150, T = 30, B = 52;

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A compact label: integers without decimals, two decimals in [0.01, 10), two significant digits beyond. */
    static String fmt(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e6) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 1000 || a < 0.01) return trimZeros(String.format(Locale.ROOT, "%.2g", v));
        if (a >= 10) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Tick labels with the decimals the step needs, the same for every tick of an axis (0.5, 1.0, 1.5). */
    static String tickLabel(double v, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0\\.?0*") ? s.substring(1) : s; // a value that rounds to zero has no sign
    }

    private static String trimZeros(String s) {
        if (!s.contains(".") || s.contains("e")) return s;
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Round tick values covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int target) {
        if (hi <= lo) hi = lo + 1;
        double raw = (hi - lo) / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3 ? 2 : raw / mag < 7 ? 5 : 10);
        double start = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - start) / step + 1e-9) + 1;
        double[] t = new double[Math.max(n, 0)];
        for (int i = 0; i < t.length; i++) t[i] = start + i * step;
        return t;
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"12\">",
                W, H, W, H, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>", L, esc(title)));
        return sb;
    }

    /** Draws the y axis with its grid and label; returns the tick step. */
    private static double yAxis(StringBuilder sb, double lo, double hi, String label) {
        double[] ticks = ticks(lo, hi, 5);
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.max(Math.abs(hi - lo), 1e-12);
        for (double t : ticks) {
            double y = yPos(t, lo, hi);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>", L, W - R, y, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>", L - 6, y, tickLabel(t, step)));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, L, T, H - B));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, W - R, H - B, H - B));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>", (T + H - B) / 2, esc(label)));
        return step;
    }

    private static double yPos(double v, double lo, double hi) {
        return H - B - (v - lo) / (hi - lo) * (H - B - T);
    }

    private static void legend(StringBuilder sb, List<String> names, List<String> colors, List<Boolean> dashed) {
        for (int i = 0; i < names.size(); i++) {
            int y = T + 8 + i * 18;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
                    W - R + 10, W - R + 30, y, y, colors.get(i), dashed.get(i) ? " stroke-dasharray=\"5 3\"" : ""));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" dominant-baseline=\"middle\">%s</text>", W - R + 36, y, esc(names.get(i))));
        }
    }

    private static double[] range(List<double[]> values, List<double[]> spreads, boolean fromZero) {
        double lo = fromZero ? 0 : Double.POSITIVE_INFINITY, hi = fromZero ? 0 : Double.NEGATIVE_INFINITY;
        for (int s = 0; s < values.size(); s++) {
            double[] v = values.get(s), e = spreads.get(s);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) continue;
                double d = e == null || !Double.isFinite(e[i]) ? 0 : e[i];
                lo = Math.min(lo, v[i] - d);
                hi = Math.max(hi, v[i] + d);
            }
        }
        if (!Double.isFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { hi = lo + 1; }
        double pad = (hi - lo) * 0.05;
        return new double[] {fromZero && lo >= 0 ? 0 : lo - pad, hi + pad};
    }

    /** A line chart with numeric x positions (e.g. x% of training data), error bars where spreads are given. */
    public static String lineChart(String title, String xLabel, String yLabel, double[] x, List<Series> series) {
        StringBuilder sb = open(title);
        double[] yr = range(series.stream().map(Series::y).toList(), series.stream().map(Series::spread).toList(), false);
        double xlo = x[0], xhi = x[x.length - 1];
        if (xhi == xlo) xhi = xlo + 1;
        yAxis(sb, yr[0], yr[1], yLabel);
        // Every point gets a tick; labels are thinned to one per 32 pixels so they never run into each other.
        int every = (int) Math.ceil(32.0 * x.length / (W - R - L - 20));
        for (int i = 0; i < x.length; i++) {
            double px = L + (x[i] - xlo) / (xhi - xlo) * (W - R - L - 20) + 10;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", px, px, H - B, H - B + 4));
            if (i % Math.max(1, every) == 0 || i == x.length - 1 && every <= 1)
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, H - B + 17, fmt(x[i])));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", (L + W - R) / 2, H - 10, esc(xLabel)));
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                double px = L + (x[i] - xlo) / (xhi - xlo) * (W - R - L - 20) + 10, py = yPos(s.y()[i], yr[0], yr[1]);
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", px, py));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s</title></circle>", px, py, s.color(), esc(s.name()), fmt(s.y()[i])));
                if (s.spread() != null && s.spread()[i] > 0) {
                    double y1 = yPos(s.y()[i] - s.spread()[i], yr[0], yr[1]), y2 = yPos(s.y()[i] + s.spread()[i], yr[0], yr[1]);
                    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", px, px, y1, y2, s.color()));
                }
            }
            sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>", path.toString().trim(), s.color(),
                    s.dashed() ? " stroke-dasharray=\"5 3\"" : ""));
        }
        legend(sb, series.stream().map(Series::name).toList(), series.stream().map(Series::color).toList(), series.stream().map(Series::dashed).toList());
        return sb.append("</svg>").toString();
    }

    /** Grouped bars: one group per label, one bar per series name, values printed on the bars. */
    public static String barChart(String title, String yLabel, List<String> seriesNames, List<Group> groups) {
        StringBuilder sb = open(title);
        double[] yr = range(groups.stream().map(Group::values).toList(), groups.stream().map(Group::spread).toList(), true);
        double step = yAxis(sb, yr[0], yr[1], yLabel);
        // Value labels share the axis's precision (at least two decimals), so tiny values print as 0.00, not 3.1e-04.
        double labelStep = step >= 1 ? step : Math.min(step, 0.01);
        int ns = seriesNames.size();
        double gw = (double) (W - R - L) / Math.max(1, groups.size());
        double bw = Math.min(40, (gw - 16) / ns);
        double zero = yPos(Math.max(0, yr[0]), yr[0], yr[1]);
        for (int g = 0; g < groups.size(); g++) {
            Group grp = groups.get(g);
            double gx = L + g * gw + (gw - bw * ns) / 2;
            for (int s = 0; s < ns; s++) {
                double v = grp.values()[s];
                if (!Double.isFinite(v)) continue;
                double y = yPos(v, yr[0], yr[1]);
                double x = gx + s * bw;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s / %s: %s</title></rect>",
                        x, Math.min(y, zero), bw - 2, Math.abs(zero - y), PALETTE[s % PALETTE.length], esc(grp.label()), esc(seriesNames.get(s)), fmt(v)));
                double cx = x + (bw - 2) / 2, top = Math.min(y, zero);
                if (grp.spread() != null && grp.spread()[s] > 0) {
                    double y1 = yPos(v - grp.spread()[s], yr[0], yr[1]), y2 = yPos(v + grp.spread()[s], yr[0], yr[1]);
                    sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"#000\"/>",
                            cx, y1, y2, cx - 4, y1, cx + 4, cx - 4, y2, cx + 4));
                    top = Math.min(top, y2);
                }
                top -= 3;
                // Labels wider than a narrow bar would run into the neighbours: stand them upright instead.
                sb.append(bw < 30
                        ? String.format(Locale.ROOT, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" dominant-baseline=\"middle\" font-size=\"10\">%s</text>", cx, top, tickLabel(v, labelStep))
                        : String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>", cx, top, tickLabel(v, labelStep)));
            }
            sb.append(wrappedLabel(L + g * gw + gw / 2, H - B + 16, grp.label(), gw));
        }
        legend(sb, seriesNames, java.util.stream.IntStream.range(0, ns).mapToObj(i -> PALETTE[i % PALETTE.length]).toList(),
                java.util.Collections.nCopies(ns, false));
        return sb.append("</svg>").toString();
    }

    /** A category label centred at x, broken at spaces onto further lines when wider than {@code width} pixels. */
    private static String wrappedLabel(double x, int y, String label, double width) {
        int perLine = Math.max(4, (int) (width / 6.5));
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : label.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > perLine) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        lines.add(line.toString());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, y));
        for (int i = 0; i < lines.size(); i++)
            sb.append(String.format(Locale.ROOT, "<tspan x=\"%.1f\" dy=\"%d\">%s</tspan>", x, i == 0 ? 0 : 13, esc(lines.get(i))));
        return sb.append("</text>").toString();
    }

    /**
     * A heat map of rows (e.g. layers) by columns (e.g. neurons), with a colour bar: diverging blue-white-red around
     * zero when values of both signs occur, white to red when none is negative. Wide rows are max-pooled by absolute
     * value into at most {@code maxColumns} bins so that peaks stay visible.
     */
    public static String heatMap(String title, String rowLabel, String columnLabel, double[][] values, int maxColumns) {
        int rows = values.length, cols = 0;
        for (double[] r : values) cols = Math.max(cols, r.length);
        if (rows == 0 || cols == 0) throw new IllegalArgumentException("heat map '" + title + "' has no values");
        int bins = Math.min(cols, maxColumns);
        double[][] binned = new double[rows][bins];
        double absMax = 0;
        boolean negative = false;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < values[r].length; c++) {
                int b = (int) ((long) c * bins / cols);
                if (Math.abs(values[r][c]) > Math.abs(binned[r][b])) binned[r][b] = values[r][c];
                absMax = Math.max(absMax, Math.abs(values[r][c]));
                negative |= values[r][c] < 0;
            }
        }
        if (absMax == 0) absMax = 1;
        int rowH = 22, top = 30, left = 70, w = 900, plotW = w - left - 100, plotH = rows * rowH, h = top + plotH + 50;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"12\">", w, h, w, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>", left, esc(title)));
        double cw = (double) plotW / bins;
        for (int r = 0; r < rows; r++) {
            int y = top + r * rowH;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" dominant-baseline=\"middle\">%s %d</text>", left - 6, y + rowH / 2, esc(rowLabel), r));
            for (int b = 0; b < bins; b++) {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>", left + b * cw, y, cw + 0.3, rowH - 1,
                        colour(binned[r][b] / absMax, negative)));
            }
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", left, top, plotW, plotH - 1));
        int axisY = top + plotH;
        for (double t : ticks(0, cols - 1, 8)) {
            double x = left + ((int) t * (long) bins / cols + 0.5) * cw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x, x, axisY, axisY + 4));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x, axisY + 16, (int) t));
        }
        int per = (cols + bins - 1) / bins;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s%s</text>", left + plotW / 2, axisY + 34, esc(columnLabel),
                per > 1 ? " (" + per + " per cell, strongest shown)" : ""));
        int cbx = left + plotW + 16, steps = 20;
        for (int i = 0; i < steps; i++) {
            double v = negative ? 1 - 2.0 * i / (steps - 1) : 1 - (double) i / (steps - 1);
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.2f\" width=\"14\" height=\"%.2f\" fill=\"%s\"/>", cbx, top + i * (double) plotH / steps,
                    (double) plotH / steps + 0.3, colour(v, negative)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" dominant-baseline=\"hanging\">%s%s</text>", cbx + 18, top, negative ? "+" : "", fmt(absMax)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", cbx + 18, top + plotH, negative ? "-" + fmt(absMax) : "0"));
        return sb.append("</svg>").toString();
    }

    private static String colour(double v, boolean diverging) {
        return diverging ? diverging(v) : diverging(Math.max(0, v));
    }

    /** Blue (negative) - white - red (positive) for v in [-1, 1]. */
    static String diverging(double v) {
        v = Math.max(-1, Math.min(1, v));
        int r, g, b;
        if (v >= 0) { r = 255; g = (int) (255 * (1 - v)); b = (int) (255 * (1 - v)); }
        else { r = (int) (255 * (1 + v)); g = (int) (255 * (1 + v)); b = 255; }
        return String.format("#%02x%02x%02x", r, g, b);
    }
}
