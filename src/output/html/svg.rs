//! Bar charts as inline SVG, written by hand: two shapes (horizontal bars,
//! stacked; columns by month, stacked) are all the report draws, and
//! writing them keeps every chart accessible (a title, a label per bar, a
//! table of its numbers), styled by the page's CSS (colours that print,
//! a hatch for unknown states) and free of a plotting crate's fonts and
//! dependencies.

use std::fmt::Write;

/// One series of a chart: its name in the legend and table, and the CSS
/// class that colours it.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub class: &'static str,
}

impl Series {
    pub fn new(name: impl Into<String>, class: &'static str) -> Series {
        Series {
            name: name.into(),
            class,
        }
    }
}

/// One bar (or column): its label and a value per series.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub values: Vec<usize>,
    /// A class for this bar instead of its series' (a group's "unknown"
    /// bar among its options).
    pub class: Option<&'static str>,
    /// The text at the bar's end (else its total).
    pub note: Option<String>,
}

impl Bar {
    pub fn new(label: impl Into<String>, values: Vec<usize>) -> Bar {
        Bar {
            label: label.into(),
            values,
            class: None,
            note: None,
        }
    }
}

/// The size of a bar chart.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// The view box's width, and the room for labels in it.
    pub width: usize,
    pub labels: usize,
    /// Characters of a label shown (the rest in its tooltip).
    pub chars: usize,
}

/// Charts a page wide.
pub const WIDE: Look = Look {
    width: 760,
    labels: 240,
    chars: 34,
};

/// Charts a page wide with long labels (`field: code`).
pub const LONG: Look = Look {
    width: 760,
    labels: 330,
    chars: 50,
};

/// Charts two to a row.
pub const HALF: Look = Look {
    width: 480,
    labels: 200,
    chars: 28,
};

/// Text for HTML and SVG: `<`, `>`, `&`, `"` and `'` escaped.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A label cut to `max` characters, with an ellipsis.
fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// The columns chart's width.
const WIDTH: usize = 760;
const ROW: usize = 22;

/// The legend, as HTML (hidden from screen readers: the table says it).
fn legend(out: &mut String, series: &[Series]) {
    if series.len() < 2 {
        return;
    }
    out.push_str("<ul class=\"legend\" aria-hidden=\"true\">");
    for s in series {
        let _ = write!(
            out,
            "<li><svg class=\"swatch\" width=\"12\" height=\"12\"><rect class=\"{}\" width=\"12\" height=\"12\"/></svg>{}</li>",
            s.class,
            esc(&s.name)
        );
    }
    out.push_str("</ul>");
}

/// The chart's numbers as a table, for screen readers and for reading the
/// exact counts (folded away under the chart).
fn table(out: &mut String, id: &str, head: &str, series: &[Series], bars: &[Bar]) {
    let _ = write!(
        out,
        "<details><summary>Numbers</summary><table id=\"{id}-numbers\" class=\"numbers\"><thead><tr><th scope=\"col\">{}</th>",
        esc(head)
    );
    for s in series {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&s.name));
    }
    if series.len() > 1 {
        out.push_str("<th scope=\"col\">total</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for b in bars {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(&b.label));
        for v in &b.values {
            let _ = write!(out, "<td>{v}</td>");
        }
        if series.len() > 1 {
            let _ = write!(out, "<td>{}</td>", b.values.iter().sum::<usize>());
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></details>");
}

/// Opens a figure: caption, legend, and the SVG's start.
fn open(out: &mut String, id: &str, caption: &str, series: &[Series], width: usize, height: usize) {
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\"><figcaption id=\"{id}-caption\">{}</figcaption>",
        esc(caption)
    );
    legend(out, series);
    let _ = write!(
        out,
        "<svg class=\"plot\" viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px;min-width:{}px\" role=\"img\" aria-labelledby=\"{id}-caption\" aria-describedby=\"{id}-numbers\" preserveAspectRatio=\"xMinYMin meet\">",
        // On a small screen a chart scrolls rather than shrink its text
        // past reading.
        width * 4 / 5
    );
}

/// Horizontal bars, one per row, stacked by series; each bar's total (or
/// note) at its end. `scale`: the total a full bar stands for (0: the
/// largest).
#[allow(clippy::too_many_arguments)]
pub fn bars(
    out: &mut String,
    look: Look,
    id: &str,
    caption: &str,
    head: &str,
    series: &[Series],
    bars: &[Bar],
    scale: usize,
) {
    let height = bars.len().max(1) * ROW + 8;
    open(out, id, caption, series, look.width, height);
    let largest = bars
        .iter()
        .map(|b| b.values.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    let scale = if scale == 0 { largest } else { scale }.max(1);
    let room = (look.width - look.labels - 90) as f64;
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + i * ROW;
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{}\" data-total=\"{}\"><text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}<title>{}</title></text>",
            esc(&b.label),
            b.values.iter().sum::<usize>(),
            look.labels - 8,
            y + 15,
            esc(&cut(&b.label, look.chars)),
            esc(&b.label)
        );
        let mut x = look.labels as f64;
        for (v, s) in b.values.iter().zip(series) {
            if *v == 0 {
                continue;
            }
            let w = room * *v as f64 / scale as f64;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"{}\" width=\"{:.1}\" height=\"16\" data-series=\"{}\" data-value=\"{v}\"><title>{}: {} {v}</title></rect>",
                b.class.unwrap_or(s.class),
                y + 3,
                w.max(1.0),
                esc(&s.name),
                esc(&b.label),
                esc(&s.name)
            );
            x += w.max(1.0);
        }
        let total = b.values.iter().sum::<usize>().to_string();
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{}\">{}</text></g>",
            x + 6.0,
            y + 15,
            esc(b.note.as_deref().unwrap_or(&total))
        );
    }
    out.push_str("</svg>");
    table(out, id, head, series, bars);
    out.push_str("</figure>");
}

/// Columns, one per bar (months), stacked by series, with a scale.
pub fn columns(out: &mut String, id: &str, caption: &str, series: &[Series], bars: &[Bar]) {
    let height = 280;
    let (left, bottom, top) = (48.0, 40.0, 12.0);
    open(out, id, caption, series, WIDTH, height);
    let largest = bars
        .iter()
        .map(|b| b.values.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_h = height as f64 - bottom - top;
    let plot_w = WIDTH as f64 - left - 8.0;
    let step = plot_w / bars.len().max(1) as f64;
    let width = (step * 0.8).min(48.0);
    // Gridlines at 0, half and the largest total.
    for tick in [0, largest / 2, largest] {
        let y = top + plot_h * (1.0 - tick as f64 / largest as f64);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            WIDTH - 8,
            left - 6.0,
            y + 4.0
        );
    }
    // Month labels where they have room.
    let every = ((56.0 / step).ceil() as usize).max(1);
    for (i, b) in bars.iter().enumerate() {
        let x = left + step * i as f64 + (step - width) / 2.0;
        let total: usize = b.values.iter().sum();
        let _ = write!(
            out,
            "<g class=\"column\" data-label=\"{}\" data-total=\"{total}\">",
            esc(&b.label)
        );
        let mut y = top + plot_h;
        for (v, s) in b.values.iter().zip(series) {
            if *v == 0 {
                continue;
            }
            let h = plot_h * *v as f64 / largest as f64;
            y -= h;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{h:.1}\" data-series=\"{}\" data-value=\"{v}\"><title>{}: {} {v}</title></rect>",
                s.class,
                esc(&s.name),
                esc(&b.label),
                esc(&s.name)
            );
        }
        if i % every == 0 {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + width / 2.0,
                height as f64 - bottom + 16.0,
                esc(&b.label)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    table(out, id, "month", series, bars);
    out.push_str("</figure>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_in_labels_and_tables() {
        let mut out = String::new();
        let series = [Series::new("checked", "s0")];
        let bar = Bar::new("<script>&\"", vec![3]);
        bars(&mut out, WIDE, "x", "A & B", "option", &series, &[bar], 0);
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;&amp;&quot;"), "{out}");
        assert!(out.contains("A &amp; B"));
    }

    #[test]
    fn a_bar_is_as_long_as_its_share_of_the_scale() {
        let mut out = String::new();
        let series = [
            Series::new("filled", "filled"),
            Series::new("missing", "missing"),
        ];
        let bar = Bar::new("cpf", vec![3, 1]);
        bars(
            &mut out,
            WIDE,
            "c",
            "Completeness",
            "field",
            &series,
            &[bar],
            4,
        );
        // 430 units of bar room: 3 of 4 and 1 of 4.
        assert!(out.contains("width=\"322.5\""), "{out}");
        assert!(out.contains("x=\"562.5\" y=\"7\" width=\"107.5\""), "{out}");
        assert!(out.contains("<td>3</td><td>1</td><td>4</td>"), "{out}");
    }

    #[test]
    fn empty_values_draw_no_rectangle() {
        let mut out = String::new();
        let series = [Series::new("a", "s0"), Series::new("b", "s1")];
        let months = [Bar::new("2025-01", vec![0, 2])];
        columns(&mut out, "m", "By month", &series, &months);
        assert_eq!(out.matches("<rect class=\"s1\" x").count(), 1);
        assert_eq!(out.matches("<rect class=\"s0\" x").count(), 0);
    }
}
