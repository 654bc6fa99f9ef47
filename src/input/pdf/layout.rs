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
    /// The pages read so far.
    pub pages: Vec<Page>,
    /// Glyphs to add to pages: (1-based page, glyph).
    extra: Vec<(usize, Glyph)>,
    /// Where the form fields read from the AcroForm are drawn: (1-based
    /// page, area). Their appearances would say the value again.
    fields: Vec<(usize, Area)>,
    glyphs: Vec<Glyph>,
    /// The ruling lines drawn on the page (table borders).
    rules: Vec<Rule>,
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
        self.rules.clear();
        self.in_annotations = false;
        self.last_fill = None;
    }

    pub fn end_page(&mut self) {
        let n = self.pages.len() + 1;
        let extra = self.extra.iter().filter(|(p, _)| *p == n);
        self.glyphs.extend(extra.map(|(_, g)| g.clone()));
        self.pages.push(page_rows(&self.glyphs, &self.rules));
        self.glyphs.clear();
        self.rules.clear();
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
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, mode: &DrawMode) {
        if self.in_annotations || self.rules.len() >= MAX_RULES {
            return;
        }
        let stroked = match mode {
            DrawMode::Stroke(_) | DrawMode::FillAndStroke(..) => true,
            DrawMode::Fill(_) => false,
            DrawMode::Invisible => return,
        };
        path_rules(path, props.transform, stroked, &mut self.rules);
    }
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

/// The straight lines a table's borders are drawn with, from one path
/// drawn with `transform`: stroked segments that run across or down the
/// page, and filled rectangles thin enough to be lines. A small closed
/// shape (a box to tick) is no border.
fn path_rules(path: &BezPath, transform: Affine, stroked: bool, out: &mut Vec<Rule>) {
    use hayro_interpret::kurbo::{PathEl, Shape};
    let b = transform.transform_rect_bbox(path.bounding_box());
    let (w, h) = (b.width(), b.height());
    if !stroked {
        if w.min(h) <= 2.5 && w.max(h) >= 8.0 {
            let mid = Point::new((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
            let rule = if w > h {
                Rule::between(Point::new(b.x0, mid.y), Point::new(b.x1, mid.y))
            } else {
                Rule::between(Point::new(mid.x, b.y0), Point::new(mid.x, b.y1))
            };
            out.extend(rule);
        }
        return;
    }
    if (2.0..20.0).contains(&w) && (2.0..20.0).contains(&h) {
        return;
    }
    let (mut start, mut at) = (None, None);
    for el in path.elements() {
        let to = match *el {
            PathEl::MoveTo(p) => {
                let p = transform * p;
                (start, at) = (Some(p), Some(p));
                continue;
            }
            PathEl::LineTo(p) => transform * p,
            PathEl::ClosePath => match start {
                Some(p) => p,
                None => continue,
            },
            // Curves are no table borders.
            _ => {
                at = None;
                continue;
            }
        };
        if let Some(from) = at {
            out.extend(Rule::between(from, to));
        }
        at = Some(to);
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

/// A run of glyphs between wide gaps or table borders: one table cell.
#[derive(Debug, Clone)]
struct Cell {
    x: f64,
    end: f64,
    text: String,
    /// How many borders down the page stand left of the cell.
    col: usize,
    /// The first border right of the cell (infinite without one).
    right: f64,
}

/// Ends a line that runs to the right margin and goes on in the next line
/// (a wrapped paragraph): see [`crate::input::Line::wraps`].
pub const WRAP: char = '\u{2028}';

/// Rules kept on one page at most: a drawing of many lines is no table.
const MAX_RULES: usize = 20_000;

/// A straight line drawn across the page (`across`) or down it: a table
/// border. `at` is its y (across) or x (down); it runs `from..to` along.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    across: bool,
    at: f64,
    from: f64,
    to: f64,
}

impl Rule {
    /// The rule from `a` to `b`, when the two are on one line across or
    /// down the page and far enough apart to be a border.
    fn between(a: Point, b: Point) -> Option<Rule> {
        let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
        if dy <= 0.5 && dx >= 8.0 {
            Some(Rule {
                across: true,
                at: (a.y + b.y) / 2.0,
                from: a.x.min(b.x),
                to: a.x.max(b.x),
            })
        } else if dx <= 0.5 && dy >= 8.0 {
            Some(Rule {
                across: false,
                at: (a.x + b.x) / 2.0,
                from: a.y.min(b.y),
                to: a.y.max(b.y),
            })
        } else {
            None
        }
    }
}

/// One line of a page: baseline, font size, cells, and the table row it
/// lies in, when borders close it on every side: the y of the rules above
/// and below it.
pub struct Row {
    y: f64,
    size: f64,
    cells: Vec<Cell>,
    band: Option<(f64, f64)>,
}

/// One page's lines, and how far right the borders of its tables reach
/// (0 without tables).
pub struct Page {
    rows: Vec<Row>,
    reach: f64,
}

/// The lines of one page, their cells cut at the table borders they cross.
pub fn page_rows(glyphs: &[Glyph], rules: &[Rule]) -> Page {
    let (across, down): (Vec<&Rule>, Vec<&Rule>) = rules.iter().partition(|r| r.across);
    // A table as wide as the text: its borders show where lines end.
    let reach = across
        .iter()
        .filter(|r| r.to - r.from >= 100.0)
        .map(|r| r.to)
        .fold(0.0, f64::max);
    let rows = lines(glyphs)
        .into_iter()
        .map(|l| {
            let y = l[0].y;
            let size = l.iter().map(|g| g.size).fold(0.0, f64::max);
            // The borders down the page this line's middle crosses.
            let mid = y - size * 0.3;
            let mut walls: Vec<f64> = down
                .iter()
                .filter(|r| r.from <= mid && mid <= r.to)
                .map(|r| r.at)
                .collect();
            walls.sort_by(f64::total_cmp);
            walls.dedup_by(|a, b| (*a - *b).abs() < 1.0);
            let cells = cells(&l, &walls);
            let band = band(&across, &walls, y, size, &cells);
            Row {
                y,
                size,
                cells,
                band,
            }
        })
        .filter(|r| !r.cells.is_empty())
        .collect();
    Page { rows, reach }
}

/// The table row a line lies in: the nearest rules above and below it
/// that run under all its cells, with two borders down the page at least.
fn band(across: &[&Rule], walls: &[f64], y: f64, size: f64, cells: &[Cell]) -> Option<(f64, f64)> {
    let (first, last) = (cells.first()?, cells.last()?);
    if walls.len() < 2 || walls[0] > first.x || walls[walls.len() - 1] < last.end - 1.0 {
        return None;
    }
    let under = |r: &&&Rule| r.from <= first.x && r.to >= last.end - 1.0;
    let above = across
        .iter()
        .filter(under)
        .filter(|r| r.at <= y - size * 0.5)
        .map(|r| r.at)
        .fold(f64::NEG_INFINITY, f64::max);
    let below = across
        .iter()
        .filter(under)
        .filter(|r| r.at >= y - size * 0.2)
        .map(|r| r.at)
        .fold(f64::INFINITY, f64::min);
    (above.is_finite() && below.is_finite()).then_some((above, below))
}

/// Whether two lines lie in one table row.
fn same_band(a: &Row, b: &Row) -> bool {
    match (a.band, b.band) {
        (Some(x), Some(y)) => (x.0 - y.0).abs() < 0.5 && (x.1 - y.1).abs() < 0.5,
        _ => false,
    }
}

/// The lines of one table row that runs over several baselines (a label
/// wrapped in its cell, a value under its label, a note): each cell's
/// lines are joined where they wrap inside the cell. When every cell then
/// holds one paragraph, the row is one line of tab-separated cells, as the
/// layout model writes a row; otherwise each cell's paragraphs in turn.
fn band_lines(rows: &[Row]) -> Vec<String> {
    let first_col = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.col))
        .min()
        .unwrap_or(0);
    let last_col = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.col))
        .max()
        .unwrap_or(0);
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); last_col - first_col + 1];
    for c in first_col..=last_col {
        let mut prev: Option<(&Cell, f64)> = None;
        let mut last_y: Option<f64> = None;
        for row in rows {
            for cell in row.cells.iter().filter(|cell| cell.col == c) {
                let paragraphs = &mut columns[c - first_col];
                // A gap of about two lines is a blank line, as outside tables.
                if last_y.is_some_and(|y| row.y - y > row.size * 1.9) {
                    paragraphs.push(String::new());
                    prev = None;
                }
                last_y = Some(row.y);
                let wraps = prev.is_some_and(|(p, size)| {
                    p.end + size * 0.25 + first_word_width(cell) > p.right - size * 0.6
                });
                match paragraphs.last_mut() {
                    Some(last) if wraps && !last.is_empty() => {
                        last.push(' ');
                        last.push_str(&cell.text);
                    }
                    _ => paragraphs.push(cell.text.clone()),
                }
                prev = Some((cell, row.size));
            }
        }
    }
    if columns.iter().all(|c| c.len() <= 1) {
        let cells: Vec<&str> = columns
            .iter()
            .map(|c| c.first().map_or("", String::as_str))
            .collect();
        return vec![cells.join("\t")];
    }
    columns.into_iter().flatten().collect()
}

/// The text of the pages, one line per baseline, cells separated by tabs,
/// each page after the first starting with a form feed, and the box of
/// each line (see [`super::Text`]). A vertical gap wider than about two
/// lines is a blank line; a line whose paragraph goes on in the next line
/// (on this page or the next) ends in [`WRAP`].
pub fn text(pages: &[Page]) -> super::Text {
    let mut out = String::new();
    let mut boxes = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        if p > 0 {
            // Pages are told apart as pdftotext does (see
            // `crate::input::exported`).
            out.push(crate::input::exported::PAGE_BREAK);
        }
        let rows = &page.rows;
        let right = right_margin(rows, page.reach);
        let mut above: &[Cell] = &[];
        let mut i = 0;
        while i < rows.len() {
            let row = &rows[i];
            if i > 0 && row.y - rows[i - 1].y > row.size * 1.9 {
                out.push('\n');
                boxes.push(None);
            }
            // A table row over several baselines.
            let n = rows[i..].iter().take_while(|r| same_band(row, r)).count();
            if n > 1 {
                let band = &rows[i..i + n];
                let bbox = band.iter().filter_map(row_box).reduce(|a, b| a.union(b));
                for line in band_lines(band) {
                    out.push_str(&line);
                    out.push('\n');
                    boxes.push(bbox);
                }
                above = &rows[i + n - 1].cells;
                i += n;
                continue;
            }
            out.push_str(&align(&row.cells, above));
            let next = match rows.get(i + 1) {
                Some(n) if n.y - row.y <= row.size * 1.9 => Some(n),
                Some(_) => None,
                None => pages
                    .get(p + 1)
                    .and_then(|next_page| next_page.rows.first()),
            };
            // Wrapped: the next line's first word would not have fit here.
            // A line that starts a message of a pasted chat (`[09:20,
            // 05/05/2025] Ana: ...`) or a box starts a line of its own.
            let wrapped = match (row.cells.as_slice(), next) {
                ([cell], Some(n)) if n.cells.len() == 1 => {
                    let starts_own = n.cells[0].text.starts_with(['[', '☐', '☒', '☑']);
                    !starts_own
                        && cell.end + first_word_width(&n.cells[0]) + row.size * 0.25
                            > right - row.size
                }
                _ => false,
            };
            if wrapped {
                out.push(WRAP);
            }
            out.push('\n');
            boxes.push(row_box(row));
            above = &row.cells;
            i += 1;
        }
    }
    super::Text {
        text: out,
        boxes,
        warnings: Vec::new(),
        fields: Vec::new(),
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
/// some length (rows of a table may reach further), or the right border
/// of a table as wide as the text, when further. Without either, no line
/// is taken as wrapped.
fn right_margin(rows: &[Row], reach: f64) -> f64 {
    let widest = rows
        .iter()
        .filter(|r| r.cells.len() == 1 && r.cells[0].text.chars().count() > 20)
        .map(|r| r.cells[0].end)
        .fold(0.0, f64::max)
        .max(reach);
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

/// Splits a line into cells at gaps wider than about twice the font size
/// and at the borders down the page (`walls`, sorted) it crosses; a
/// smaller gap is a space.
fn cells(line: &[&Glyph], walls: &[f64]) -> Vec<Cell> {
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
        let wall = walls.iter().any(|&w| w > last_end - 1.0 && w < g.x + 1.0);
        match out.last_mut() {
            Some(c) if gap <= g.size * 2.0 && !wall => {
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
                col: walls.iter().take_while(|&&w| w < g.x + 1.0).count(),
                right: walls
                    .iter()
                    .copied()
                    .find(|&w| w >= g.x + 1.0)
                    .unwrap_or(f64::INFINITY),
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
        text(&[page_rows(&glyphs, &[])]).text
    }

    fn across(y: f64, from: f64, to: f64) -> Rule {
        Rule::between(Point::new(from, y), Point::new(to, y)).unwrap()
    }

    fn down(x: f64, from: f64, to: f64) -> Rule {
        Rule::between(Point::new(x, from), Point::new(x, to)).unwrap()
    }

    /// A table of three columns (x 10–110–200–300): a row of labels from
    /// y 88 to 116, a row of values from 116 to 130.
    fn table_rules() -> Vec<Rule> {
        let mut rules = vec![
            across(88.0, 10.0, 300.0),
            across(116.0, 10.0, 300.0),
            across(130.0, 10.0, 300.0),
        ];
        rules.extend([10.0, 110.0, 200.0, 300.0].map(|x| down(x, 88.0, 130.0)));
        rules
    }

    fn ruled_page(words: &[(f64, f64, &str)], rules: &[Rule]) -> String {
        let glyphs: Vec<Glyph> = words.iter().flat_map(|(x, y, t)| word(*x, *y, t)).collect();
        text(&[page_rows(&glyphs, rules)]).text
    }

    #[test]
    fn a_label_wrapped_in_its_cell_is_read_whole() {
        // "Demandado" fills its cell (x 115–199): "por?" went below it.
        let t = ruled_page(
            &[
                (15.0, 100.0, "Tipo"),
                (115.0, 100.0, "Demandado"),
                (115.0, 112.0, "por?"),
                (205.0, 100.0, "Dt. abertura"),
                (205.0, 112.0, "protocolo"),
                (15.0, 127.0, "Clínica"),
                (115.0, 127.0, "Dentista"),
                (205.0, 127.0, "778899"),
            ],
            &table_rules(),
        );
        assert_eq!(
            t,
            "Tipo\tDemandado por?\tDt. abertura protocolo\nClínica\tDentista\t778899\n"
        );
    }

    #[test]
    fn a_cell_of_several_paragraphs_is_written_cell_after_cell() {
        // "Ok." would have fit after "Obs.:": a paragraph of its own.
        let t = ruled_page(
            &[
                (15.0, 100.0, "Obs.:"),
                (15.0, 112.0, "Ok."),
                (115.0, 100.0, "Data"),
                (15.0, 127.0, "x"),
            ],
            &table_rules(),
        );
        assert_eq!(t, "Obs.:\nOk.\nData\nx\n");
    }

    #[test]
    fn a_border_between_glyphs_is_a_cell_boundary_and_a_box_is_no_border() {
        use hayro_interpret::kurbo::Shape;
        let mut rules = table_rules();
        // A box to tick, drawn around "☐" at x 220: its sides are no walls.
        let b = BezPath::from_vec(vec![
            hayro_interpret::kurbo::PathEl::MoveTo(Point::new(218.0, 118.0)),
            hayro_interpret::kurbo::PathEl::LineTo(Point::new(228.0, 118.0)),
            hayro_interpret::kurbo::PathEl::LineTo(Point::new(228.0, 128.0)),
            hayro_interpret::kurbo::PathEl::LineTo(Point::new(218.0, 128.0)),
            hayro_interpret::kurbo::PathEl::ClosePath,
        ]);
        let mut found = Vec::new();
        path_rules(&b, Affine::IDENTITY, true, &mut found);
        assert!(found.is_empty(), "{found:?}");
        // The same path filled is no line either; a thin one is.
        path_rules(&b, Affine::IDENTITY, false, &mut found);
        assert!(found.is_empty(), "{found:?}");
        let thin = hayro_interpret::kurbo::Rect::new(10.0, 50.0, 300.0, 50.5).to_path(0.1);
        path_rules(&thin, Affine::IDENTITY, false, &mut found);
        assert_eq!(found.len(), 1);
        assert!(found[0].across && (found[0].at - 50.25).abs() < 0.01);
        // "Tipo" ends at x 104, "Clínica" starts at 112: a gap of one
        // character, but the border at 110 stands between them.
        rules.push(down(110.0, 88.0, 130.0));
        let t = ruled_page(&[(80.0, 127.0, "Tipo"), (112.0, 127.0, "Clínica")], &rules);
        assert_eq!(t, "Tipo\tClínica\n");
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
