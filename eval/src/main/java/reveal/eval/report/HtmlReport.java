package reveal.eval.report;

import java.nio.file.Path;
import java.util.List;
import reveal.attribution.store.AtomicFiles;

/**
 * Builds one self-contained HTML page (inline CSS and SVG, no scripts, no network) section by section.
 * Text is escaped; charts come from {@link Svg}.
 */
public final class HtmlReport {
    /** A number, percentage, "mean ± std" or "[lo, hi]" cell (right-aligned); "3-17" neuron keys and dates are text. */
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
            "[-+]?\\d[\\d,]*(\\.\\d+)?([eE][-+]?\\d+)?%?( ± [-+]?\\d[\\d,]*(\\.\\d+)?%?)?|\\[[-+0-9.]+, [-+0-9.]+\\]|n/a");
    private final StringBuilder body = new StringBuilder();
    private final StringBuilder toc = new StringBuilder();
    private final String title;
    private int sections;

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport section(String heading) {
        String id = "s" + (++sections);
        toc.append("<li><a href=\"#").append(id).append("\">").append(Svg.esc(heading)).append("</a></li>");
        body.append("<h2 id=\"").append(id).append("\">").append(Svg.esc(heading)).append("</h2>\n");
        return this;
    }

    public HtmlReport subsection(String heading) {
        body.append("<h3>").append(Svg.esc(heading)).append("</h3>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(Svg.esc(text)).append("</p>\n");
        return this;
    }

    /** A highlighted note, for findings a reader must not miss (e.g. a method that did no better than random). */
    public HtmlReport callout(String text, boolean warning) {
        body.append("<div class=\"").append(warning ? "warn" : "note").append("\">").append(Svg.esc(text)).append("</div>\n");
        return this;
    }

    /** A highlighted note with a list of items under a lead sentence. */
    public HtmlReport calloutList(String lead, List<String> items, boolean warning) {
        body.append("<div class=\"").append(warning ? "warn" : "note").append("\">").append(Svg.esc(lead)).append("<ul>");
        for (String i : items) body.append("<li>").append(Svg.esc(i)).append("</li>");
        body.append("</ul></div>\n");
        return this;
    }

    /** A bulleted list of plain-text items. */
    public HtmlReport bullets(List<String> items) {
        body.append("<ul>");
        for (String i : items) body.append("<li>").append(Svg.esc(i)).append("</li>");
        body.append("</ul>\n");
        return this;
    }

    /** Charts side by side (wrapping on narrow screens) under one caption. */
    public HtmlReport figureRow(List<String> svgs, String caption) {
        body.append("<figure><div class=\"row\">");
        for (String svg : svgs) body.append("<div>").append(svg).append("</div>");
        body.append("</div><figcaption>").append(Svg.esc(caption)).append("</figcaption></figure>\n");
        return this;
    }

    public HtmlReport figure(String svg, String caption) {
        body.append("<figure>").append(svg).append("<figcaption>").append(Svg.esc(caption)).append("</figcaption></figure>\n");
        return this;
    }

    /** A table; numeric-looking cells are right-aligned. */
    public HtmlReport table(List<String> header, List<List<String>> rows, String caption) {
        body.append("<table>");
        if (caption != null) body.append("<caption>").append(Svg.esc(caption)).append("</caption>");
        body.append("<thead><tr>");
        for (String h : header) body.append("<th>").append(Svg.esc(h)).append("</th>");
        body.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String cell : row) {
                boolean num = NUMBER.matcher(cell).matches();
                body.append(num ? "<td class=\"n\">" : "<td>").append(Svg.esc(cell)).append("</td>");
            }
            body.append("</tr>");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Svg.esc(title) + "</title>\n<style>\n"
                + "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\n"
                + "h1{font-size:1.7em;border-bottom:2px solid #333;padding-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}\n"
                + "table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}\n"
                + "th{background:#f2f2f2;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
                + "figure{margin:1em 0}figcaption{font-size:.9em;color:#555;max-width:640px}svg{max-width:100%;height:auto}\n"
                + ".warn{background:#fff3cd;border-left:4px solid #e0a800;padding:.5em 1em;margin:1em 0}.note{background:#e8f4fd;border-left:4px solid #1f77b4;padding:.5em 1em;margin:1em 0}\n"
                + "nav ol{columns:2;column-gap:3em}nav li{margin-left:.4em}code{background:#f4f4f4;padding:0 .2em}.row{display:flex;flex-wrap:wrap;gap:1em}.row>div{flex:1 1 440px;min-width:0}\n"
                + "</style></head><body>\n<h1>" + Svg.esc(title) + "</h1>\n<nav><ol>" + toc + "</ol></nav>\n" + body + "</body></html>\n";
    }

    /** Writes the page atomically (temp file then move), so a reader never sees half a report. */
    public void write(Path file) {
        AtomicFiles.writeString(file, html());
    }
}
