//! Text with its layout: glyphs collected with their positions as hayro's
//! interpreter draws them (a [`Device`] that keeps only text), grouped into
//! lines by baseline, sorted by x. A wide gap between glyphs becomes a tab
//! (a table cell boundary), so box marks stay in front of their labels and
//! cells stay apart. A row whose cells do not pair one to one with the row
//! above is aligned to that row's columns, so a value printed under its
//! label lands in the label's cell.

use hayro_interpret::font::GlyphRun;
use hayro_interpret::kurbo::{Affine, BezPath, Point};
use hayro_interpret::{
    BlendMode, ClipPath, Device, DrawMode, DrawProps, Image, ImageDrawProps, SoftMask,
};

use super::fonts::{self, Fallback};

/// One glyph (or a string the font maps one code to) on a page.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub x: f64,
    /// Distance from the top of the page.
    pub y: f64,
    pub width: f64,
    pub size: f64,
    pub text: String,
}

/// A rectangle on a page, from its top left corner, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Area {
    fn holds(&self, x: f64, y: f64) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }
}

/// Lays out each page as it ends: its glyphs, and the glyphs of form
/// fields drawn on it, become rows, and the glyphs' memory serves the next
/// page.
#[derive(Default)]
pub struct Collector {
    /// The rows of each page read so far.
    pub pages: Vec<Vec<Row>>,
    /// Glyphs to add to pages: (1-based page, glyph).
    extra: Vec<(usize, Glyph)>,
    /// Where the form fields read from the AcroForm are drawn: (1-based
    /// page, area). Their appearances would say the value again.
    fields: Vec<(usize, Area)>,
    glyphs: Vec<Glyph>,
    /// Drawing the page's annotations, not its content.
    pub in_annotations: bool,
    /// The run last filled: a fill-and-stroke mode draws it twice.
    last_fill: Option<(usize, usize, [f64; 6])>,
    /// Decodes the glyphs that carry no Unicode of their own.
    pub fallback: Fallback,
}

impl Collector {
    /// A collector that adds `extra` glyphs to their pages (1-based: the
    /// first page read is 1), and leaves out what annotations draw inside
    /// `fields`.
    pub fn new(extra: Vec<(usize, Glyph)>, fields: Vec<(usize, Area)>) -> Self {
        Collector {
            extra,
            fields,
            ..Default::default()
        }
    }

    pub fn begin_page(&mut self) {
        self.glyphs.clear();
        self.in_annotations = false;
        self.last_fill = None;
    }

    pub fn end_page(&mut self) {
        let n = self.pages.len() + 1;
        let extra = self.extra.iter().filter(|(p, _)| *p == n);
        self.glyphs.extend(extra.map(|(_, g)| g.clone()));
        self.pages.push(page_rows(&self.glyphs));
        self.glyphs.clear();
    }

    fn in_a_field(&self, x: f64, y: f64) -> bool {
        let n = self.pages.len() + 1;
        self.in_annotations
            && self
                .fields
                .iter()
                .any(|(p, area)| *p == n && area.holds(x, y))
    }
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, mode: &DrawMode) {
        let glyphs = run.glyphs();
        let key = (
            glyphs.as_ptr() as usize,
            glyphs.len(),
            glyphs
                .first()
                .map_or([0.0; 6], |g| g.transform().as_coeffs()),
        );
        match mode {
            DrawMode::Stroke(_) if self.last_fill == Some(key) => {
                self.last_fill = None;
                return;
            }
            DrawMode::Fill(_) => self.last_fill = Some(key),
            _ => self.last_fill = None,
        }
        // A field's appearance that says the value read from the form: its
        // text may run past the field's box, so the whole run goes.
        if let Some(first) = glyphs.first() {
            let origin = props.transform * first.transform() * Point::ZERO;
            if self.in_a_field(origin.x, origin.y) {
                return;
            }
        }
        for (i, g) in glyphs.iter().enumerate() {
            let t: Affine = props.transform * g.transform();
            let [a, b, c, d, _, _] = t.as_coeffs();
            let origin = t * Point::ZERO;
            // Glyph space is a thousandth of the font size: the size on
            // the page is the height of an em, the scale the width of one.
            let scale = (a * a + b * b).sqrt();
            let size = (c * c + d * d).sqrt() * 1000.0;
            let size = if size.is_finite() && size > 0.5 {
                size
            } else {
                10.0
            };
            let advance = match advance_width(g) {
                Some(w) if w > 0.0 => f64::from(w) * scale,
                _ => match glyphs.get(i + 1) {
                    Some(next) => {
                        (props.transform * next.transform() * Point::ZERO - origin).hypot()
                    }
                    None => size * 0.5,
                },
            };
            let text = g.as_unicode().map(fonts::text_of);
            let Some(mut text) = text.or_else(|| self.fallback.decode(g)) else {
                continue;
            };
            // A form feed ends a page in the text the worker sends: one
            // drawn as a glyph is a space, as the line cleaning made it.
            if text.contains('\u{c}') {
                text = text.replace('\u{c}', " ");
            }
            self.glyphs.push(Glyph {
                x: origin.x,
                y: origin.y,
                width: advance,
                size,
                text,
            });
        }
    }
}

/// How far a glyph moves the pen, in glyph space (a thousandth of an em).
fn advance_width(g: &hayro_interpret::font::Glyph<'_>) -> Option<f32> {
    use hayro_interpret::font::Glyph::{Outline, Type3};
    match g {
        Outline(o) => o.advance_width(),
        Type3(t) => t.advance_width(),
    }
}

/// A run of glyphs between wide gaps: one table cell.
#[derive(Debug, Clone)]
struct Cell {
    x: f64,
    end: f64,
    text: String,
}

/// Ends a line that runs to the right margin and goes on in the next line
/// (a wrapped paragraph): see [`crate::input::Line::wraps`].
pub const WRAP: char = '\u{2028}';

/// One line of a page: baseline, font size, cells.
pub struct Row {
    y: f64,
    size: f64,
    cells: Vec<Cell>,
}

/// The lines of one page.
pub fn page_rows(glyphs: &[Glyph]) -> Vec<Row> {
    lines(glyphs)
        .into_iter()
        .map(|l| Row {
            y: l[0].y,
            size: l.iter().map(|g| g.size).fold(0.0, f64::max),
            cells: cells(&l),
        })
        .filter(|r| !r.cells.is_empty())
        .collect()
}

/// The text of the pages, one line per baseline, cells separated by tabs,
/// each page after the first starting with a form feed, and the box of
/// each line (see [`super::Text`]). A vertical gap wider than about two
/// lines is a blank line; a line whose paragraph goes on in the next line
/// (on this page or the next) ends in [`WRAP`].
pub fn text(pages: &[Vec<Row>]) -> super::Text {
    let mut out = String::new();
    let mut boxes = Vec::new();
    for (p, rows) in pages.iter().enumerate() {
        if p > 0 {
            // Pages are told apart as pdftotext does (see
            // `crate::input::exported`).
            out.push(crate::input::exported::PAGE_BREAK);
        }
        let right = right_margin(rows);
        let mut above: &[Cell] = &[];
        for (i, row) in rows.iter().enumerate() {
            if i > 0 && row.y - rows[i - 1].y > row.size * 1.9 {
                out.push('\n');
                boxes.push(None);
            }
            out.push_str(&align(&row.cells, above));
            let next = match rows.get(i + 1) {
                Some(n) if n.y - row.y <= row.size * 1.9 => Some(n),
                Some(_) => None,
                None => pages.get(p + 1).and_then(|next_page| next_page.first()),
            };
            // Wrapped: the next line's first word would not have fit here.
            let wrapped = match (row.cells.as_slice(), next) {
                ([cell], Some(n)) if n.cells.len() == 1 => {
                    cell.end + first_word_width(&n.cells[0]) + row.size * 0.25 > right - row.size
                }
                _ => false,
            };
            if wrapped {
                out.push(WRAP);
            }
            out.push('\n');
            boxes.push(row_box(row));
            above = &row.cells;
        }
    }
    super::Text {
        text: out,
        boxes,
        warnings: Vec::new(),
    }
}

/// Where a line's cells lie on its page, from the top of its glyphs to
/// the baseline.
fn row_box(row: &Row) -> Option<crate::document::Rect> {
    let x = row.cells.iter().map(|c| c.x).fold(f64::INFINITY, f64::min);
    let end = row
        .cells
        .iter()
        .map(|c| c.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let rect = crate::document::Rect {
        x: x as f32,
        y: (row.y - row.size) as f32,
        width: (end - x) as f32,
        height: row.size as f32,
    };
    (x.is_finite() && end.is_finite()).then_some(rect)
}

/// Where paragraphs end on the right: the widest line of one cell and
/// some length (rows of a table may reach further). Without such lines,
/// no line is taken as wrapped.
fn right_margin(rows: &[Row]) -> f64 {
    let widest = rows
        .iter()
        .filter(|r| r.cells.len() == 1 && r.cells[0].text.chars().count() > 20)
        .map(|r| r.cells[0].end)
        .fold(0.0, f64::max);
    if widest > 0.0 {
        widest
    } else {
        f64::INFINITY
    }
}

/// The width of a cell's first word, from the cell's average glyph width.
fn first_word_width(cell: &Cell) -> f64 {
    let chars = cell.text.chars().count().max(1) as f64;
    let word = cell
        .text
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count()) as f64;
    (cell.end - cell.x) / chars * word
}

/// Glyphs grouped by baseline, top to bottom, each line sorted by x.
fn lines(glyphs: &[Glyph]) -> Vec<Vec<&Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| g.x.is_finite() && g.y.is_finite())
        .collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<Vec<&Glyph>> = Vec::new();
    let mut baseline = f64::NEG_INFINITY;
    for g in sorted {
        match out.last_mut() {
            Some(line) if (g.y - baseline).abs() <= g.size * 0.4 => line.push(g),
            _ => {
                baseline = g.y;
                out.push(vec![g]);
            }
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        // The same glyph drawn again on itself (a fake bold, a form drawn
        // twice, an appearance nested in itself) is one glyph on the page.
        line.dedup_by(|b, a| {
            a.text == b.text && (a.x - b.x).abs() < a.size * 0.1 && (a.y - b.y).abs() < a.size * 0.1
        });
    }
    out
}

/// Splits a line into cells at gaps wider than about twice the font size;
/// a smaller gap is a space.
fn cells(line: &[&Glyph]) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    let mut last_end = f64::NEG_INFINITY;
    for g in line {
        if g.text.trim().is_empty() {
            // An explicit space: remember it as a gap, never as a glyph.
            if let Some(c) = out.last_mut() {
                if !c.text.ends_with(' ') {
                    c.text.push(' ');
                }
            }
            continue;
        }
        let gap = g.x - last_end;
        match out.last_mut() {
            Some(c) if gap <= g.size * 2.0 => {
                if gap > g.size * 0.12 && !c.text.ends_with(' ') {
                    c.text.push(' ');
                }
                c.text.push_str(&g.text);
                c.end = g.x + g.width;
            }
            _ => out.push(Cell {
                x: g.x,
                end: g.x + g.width,
                text: g.text.clone(),
            }),
        }
        last_end = g.x + g.width.max(0.0);
    }
    for c in &mut out {
        c.text = c.text.trim().to_string();
    }
    out.retain(|c| !c.text.is_empty());
    out
}

/// Joins the cells with tabs. A row with fewer cells than the row above,
/// each under a different cell of it, gets empty cells where the row above
/// has a cell and this one has none.
fn align(cells: &[Cell], above: &[Cell]) -> String {
    let joined = || {
        cells
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\t")
    };
    if above.len() < 2 || cells.len() >= above.len() {
        return joined();
    }
    let column = |c: &Cell| {
        above
            .iter()
            .enumerate()
            .min_by(|a, b| overlap_distance(c, a.1).total_cmp(&overlap_distance(c, b.1)))
            .map(|(i, _)| i)
            .unwrap_or(0)
    };
    let columns: Vec<usize> = cells.iter().map(column).collect();
    if columns.windows(2).any(|w| w[0] >= w[1]) {
        return joined();
    }
    let mut slots = vec![""; above.len()];
    for (c, &i) in cells.iter().zip(&columns) {
        slots[i] = &c.text;
    }
    let last = columns.last().copied().unwrap_or(0);
    slots[..=last].join("\t")
}

/// How far a cell is from a column: 0 when they overlap.
fn overlap_distance(c: &Cell, col: &Cell) -> f64 {
    if c.end >= col.x && c.x <= col.end {
        0.0
    } else {
        (c.x - col.x).abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(x: f64, y: f64, text: &str) -> Vec<Glyph> {
        // 6 points a character, size 10.
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + i as f64 * 6.0,
                y,
                width: 6.0,
                size: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    fn page(words: &[(f64, f64, &str)]) -> String {
        let glyphs: Vec<Glyph> = words.iter().flat_map(|(x, y, t)| word(*x, *y, t)).collect();
        text(&[page_rows(&glyphs)]).text
    }

    #[test]
    fn a_mark_stays_before_its_label_and_wide_gaps_are_cells() {
        // Drawn out of order: the label first, then its box to its left.
        let t = page(&[
            (40.0, 100.0, "Sim"),
            (28.0, 100.0, "☒"),
            (200.0, 100.0, "Não"),
            (188.0, 100.0, "☐"),
        ]);
        assert_eq!(t, "☒ Sim\t☐ Não\n");
    }

    #[test]
    fn values_under_labels_land_in_their_columns() {
        let t = page(&[
            (20.0, 100.0, "Colaborador"),
            (200.0, 100.0, "Data"),
            (300.0, 100.0, "UF"),
            (200.0, 112.0, "14/05/2021"),
        ]);
        assert_eq!(t, "Colaborador\tData\tUF\n\t14/05/2021\n");
    }

    #[test]
    fn a_big_vertical_gap_is_a_blank_line() {
        let t = page(&[
            (20.0, 100.0, "Obs. Geral"),
            (20.0, 112.0, "texto"),
            (20.0, 160.0, "Agata B. Gomes"),
        ]);
        assert_eq!(t, "Obs. Geral\ntexto\n\nAgata B. Gomes\n");
    }

    #[test]
    fn a_line_that_runs_to_the_margin_wraps() {
        let long = "palavra ".repeat(10);
        let t = page(&[
            (20.0, 100.0, long.trim()),
            (20.0, 112.0, "continua aqui"),
            (20.0, 124.0, long.trim()),
        ]);
        let first = t.lines().next().unwrap();
        assert!(first.ends_with(WRAP), "{t:?}");
        assert!(
            !t.lines().nth(1).unwrap().ends_with(WRAP),
            "a short line ends its paragraph"
        );
    }
}
