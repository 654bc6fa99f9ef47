//! The layout model: what a reader found in a document, before any template
//! looks at it. Nothing here knows a file format, and nothing here knows a
//! template.
//!
//! A [`Document`] is a sequence of [`Block`]s: paragraphs, and tables whose
//! rows hold cells that hold blocks again (so tables nest) and may span
//! columns or rows. Each block knows the [`Part`] of the document it comes
//! from (the body, a text box, a header...), its page where the source says,
//! and its position where the source has one. Page furniture (headers,
//! footers, footnotes) is kept in [`Document::furniture`], apart from the
//! form's content. A checkbox is an element of its paragraph, a [`Mark`] with
//! its state and where the state came from, never a character to be guessed
//! back.
//!
//! Recognition reads a document through its [`LineView`]: one line per
//! paragraph (a line break inside a paragraph starts a line of the same
//! paragraph), one line per table row with its cells separated by tabs, so
//! a row of label cells over a row of value cells is the shape recognition
//! pairs by column. Marks are written as the glyphs recognition knows (☒,
//! ☐, and U+FFFD for a state that is unknown). Each line keeps its
//! [`Place`] in the document, which a record's provenance reports.
//!
//! Readers: [`crate::input::office`] (Word `.docx`/`.docm`, LibreOffice
//! `.odt`). Text exports and PDF text arrive already in the line view's
//! shape (a line a paragraph or a tab-separated row) and are split into
//! lines directly, which keeps the text path at its speed.

pub mod build;
pub mod furniture;

/// A whole document as a reader found it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The content, in reading order.
    pub blocks: Vec<Block>,
    /// Headers, footers and footnotes: text repeated on pages or set apart
    /// from the content, which no field takes.
    pub furniture: Vec<Block>,
    /// What the reader noticed and the record should say: `(code, message)`.
    pub warnings: Vec<(&'static str, String)>,
}

/// One paragraph or table.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub content: Content,
    /// Where in the document the block is.
    pub part: Part,
    /// The 1-based page, where the source says (PDF; a Word document's
    /// explicit page breaks).
    pub page: Option<u32>,
    /// Its box on the page, where the source has one.
    pub bbox: Option<Rect>,
    /// The 1-based line of a text export it starts on.
    pub line: Option<u32>,
}

/// A block's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Paragraph(Paragraph),
    Table(Table),
}

/// The part of a document a block comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Body,
    /// A text box (a shape with text) anchored in the body.
    TextBox,
    Header,
    Footer,
    Footnote,
}

impl Part {
    /// The name used in provenance.
    pub fn name(self) -> &'static str {
        match self {
            Part::Body => "body",
            Part::TextBox => "text_box",
            Part::Header => "header",
            Part::Footer => "footer",
            Part::Footnote => "footnote",
        }
    }
}

/// A box on a page, in points from the top left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    /// The smallest box holding both.
    pub fn union(self, other: Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let right = (self.x + self.width).max(other.x + other.width);
        let bottom = (self.y + self.height).max(other.y + other.height);
        Rect {
            x,
            y,
            width: right - x,
            height: bottom - y,
        }
    }
}

/// A paragraph: text, tabs, line breaks and checkbox marks in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    pub inlines: Vec<Inline>,
}

/// One element of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    /// A tab: in a form, what separates a label from its value.
    Tab,
    /// A line break inside the paragraph.
    Break,
    Mark(Mark),
}

/// A checkbox, with its state and where the state was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub state: MarkState,
    pub source: MarkSource,
}

/// What a box says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkState {
    Checked,
    Unchecked,
    /// The box is there, but its state cannot be told.
    Unknown,
}

/// Where a box's state came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkSource {
    /// A box character typed in the text (☒, ☐...).
    Glyph(char),
    /// A symbol-font character (Word's `w:sym`: font and code).
    Symbol(SymbolFont, u16),
    /// A checkbox content control (Word's `w14:checkbox`).
    ContentControl,
    /// A legacy form field (Word's `FORMCHECKBOX`).
    FormField,
    /// A form control drawn on the page (an ODF `form:checkbox`).
    FormControl,
}

/// The symbol fonts whose box characters are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolFont {
    Wingdings,
    Wingdings2,
    Other,
}

impl Paragraph {
    /// Appends text, joining it to the text before (runs split a word
    /// anywhere).
    pub fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.inlines.last_mut() {
            Some(Inline::Text(s)) => s.push_str(text),
            _ => self.inlines.push(Inline::Text(text.to_string())),
        }
    }

    /// Writes the paragraph's text, marks as glyphs, into `out`; at each
    /// line break inside it, `br` ends the line.
    fn render(&self, out: &mut String, mut br: impl FnMut(&mut String)) {
        let mut line_start = out.len();
        let mut after_mark = false;
        for inline in &self.inlines {
            match inline {
                Inline::Text(s) => {
                    // One space between a box and its option: a wider gap
                    // would read as a cell border.
                    let s = if after_mark { s.trim_start() } else { s };
                    push_flat(out, s);
                }
                Inline::Tab => out.push('\t'),
                Inline::Break => {
                    br(out);
                    line_start = out.len();
                }
                // A box typed as a character is written as it was typed.
                Inline::Mark(Mark {
                    source: MarkSource::Glyph(c),
                    ..
                }) => out.push(*c),
                Inline::Mark(m) => {
                    if out.len() > line_start && !out.ends_with([' ', '\t']) {
                        out.push(' ');
                    }
                    out.push(m.state.glyph());
                    out.push(' ');
                }
            }
            after_mark = matches!(inline, Inline::Mark(m) if !matches!(m.source, MarkSource::Glyph(_)))
                || (after_mark && matches!(inline, Inline::Text(s) if s.trim().is_empty()));
        }
    }

    /// Writes nothing (no inline, or only empty text).
    fn is_empty(&self) -> bool {
        self.inlines
            .iter()
            .all(|i| matches!(i, Inline::Text(s) if s.is_empty()))
    }

    /// Writes one line without tabs.
    fn is_one_cell(&self) -> bool {
        self.inlines.iter().all(|i| match i {
            Inline::Text(s) => !s.contains('\t'),
            Inline::Tab | Inline::Break => false,
            Inline::Mark(_) => true,
        })
    }
}

/// Text of one line: line ends inside it become spaces.
fn push_flat(out: &mut String, s: &str) {
    if s.contains(['\n', '\r']) {
        out.extend(
            s.chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
        );
    } else {
        out.push_str(s);
    }
}

impl MarkState {
    /// The glyph the line view writes: recognition reads ☒ as checked, ☐
    /// as unchecked and U+FFFD as a mark that cannot be read.
    pub fn glyph(self) -> char {
        match self {
            MarkState::Checked => '☒',
            MarkState::Unchecked => '☐',
            MarkState::Unknown => '\u{FFFD}',
        }
    }
}

/// A table: rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub rows: Vec<Row>,
}

/// One row of a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Its box on the page, where the source has one (a PDF line).
    pub bbox: Option<Rect>,
    /// The 1-based line of a text export it starts on.
    pub line: Option<u32>,
}

/// One cell: blocks (paragraphs, nested tables) and how far it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub blocks: Vec<Block>,
    /// Grid columns the cell covers (1 for a plain cell).
    pub col_span: u32,
    /// The cell continues the one above it (a vertical merge): its text is
    /// that cell's, and it holds none of its own.
    pub merged_above: bool,
}

impl Default for Cell {
    fn default() -> Self {
        Cell {
            blocks: Vec::new(),
            col_span: 1,
            merged_above: false,
        }
    }
}

/// Where a line of the view comes from: the part, then the path through
/// tables, rows and cells to the paragraph, each 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub part: Part,
    /// The page of the line's block, where the source says.
    pub page: Option<u32>,
    /// Steps from the part to the line's block.
    /// Shared by the lines of one block: a paragraph of a million line
    /// breaks holds its path once.
    pub path: std::sync::Arc<[Step]>,
    /// The 1-based line of the text export the line comes from, where the
    /// source is one: records give that line, not the view's.
    pub line: Option<u32>,
}

/// One step of a [`Place`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The n-th block of its container that is a paragraph.
    Paragraph(u32),
    /// The n-th table of its container.
    Table(u32),
    Row(u32),
    Cell(u32),
}

impl std::fmt::Display for Place {
    /// `body/tbl[2]/tr[1]/tc[3]/p[1]`, in the spirit of an XPath;
    /// `body/page[2]/p[14]` where pages are known. Written by hand: a
    /// record asks for one for each of its values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::with_capacity(16 + 8 * self.path.len());
        out.push_str(self.part.name());
        let mut step = |name: &str, n: u32| {
            out.push('/');
            out.push_str(name);
            out.push('[');
            out.push_str(crate::digits::decimal(n.into(), &mut [0; 20]));
            out.push(']');
        };
        if let Some(page) = self.page {
            step("page", page);
        }
        for s in self.path.iter() {
            match *s {
                Step::Paragraph(n) => step("p", n),
                Step::Table(n) => step("tbl", n),
                Step::Row(n) => step("tr", n),
                Step::Cell(n) => step("tc", n),
            }
        }
        f.write_str(&out)
    }
}

/// A document written as numbered lines for recognition, each with its
/// place. Line `n` (1-based, as records count) is `places[n - 1]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineView {
    /// The lines, each ended by `\n`.
    pub text: String,
    pub places: Vec<Place>,
    /// The text of the document's furniture (headers, footers), by page:
    /// not read, kept to show what was left out.
    pub furniture: Vec<(Option<u32>, String)>,
    /// The fields of a fillable PDF, by full name (for `pdf_field`).
    pub form_fields: Vec<crate::input::pdf::acroform::FormField>,
}

impl LineView {
    /// Ends the line written into `text`, at `place`.
    fn end_line(&mut self, place: Place) {
        self.text.push('\n');
        self.places.push(place);
    }

    /// The place of 1-based line `no`: a line of the text export where
    /// the places know them (see [`LineView::source_lines`]), else a line
    /// of the view.
    pub fn place(&self, no: usize) -> Option<&Place> {
        if self.places.first().is_some_and(|p| p.line.is_some()) {
            let no = u32::try_from(no).ok()?;
            let i = self.places.partition_point(|p| p.line < Some(no));
            return self.places.get(i).filter(|p| p.line == Some(no));
        }
        no.checked_sub(1).and_then(|i| self.places.get(i))
    }

    /// The text export's line of each line of the view, where the reader
    /// gave them: recognition numbers its lines by these, so records
    /// point into the user's file.
    pub fn source_lines(&self) -> Option<impl Iterator<Item = usize> + '_> {
        self.places.first()?.line?;
        Some(self.places.iter().map(|p| p.line.unwrap_or(0) as usize))
    }

    /// The place of 1-based line `no` as records write it (`at`).
    pub fn at(&self, no: usize) -> Option<String> {
        self.place(no).map(Place::to_string)
    }
}

impl From<Vec<Block>> for Document {
    /// A document of these blocks, with no furniture.
    fn from(blocks: Vec<Block>) -> Document {
        Document {
            blocks,
            ..Document::default()
        }
    }
}

impl Document {
    /// The content as lines for recognition (furniture left out): see the
    /// module docs.
    pub fn line_view(&self) -> LineView {
        let mut view = LineView::default();
        write_blocks(&self.blocks, &[], &mut view);
        if !self.furniture.is_empty() {
            let mut furniture = LineView::default();
            write_blocks(&self.furniture, &[], &mut furniture);
            let pages = furniture.places.iter().map(|p| p.page);
            view.furniture = pages
                .zip(furniture.text.lines().map(str::to_string))
                .collect();
        }
        view
    }
}

/// Writes blocks in order; text boxes keep their own part.
/// Paragraphs and tables are counted apart, and text boxes' blocks apart
/// from the body's: `body/p[3]` is the third body paragraph whatever text
/// boxes come before it, `text_box/p[1]` the first text-box paragraph.
fn write_blocks(blocks: &[Block], path: &[Step], view: &mut LineView) {
    let (mut paragraphs, mut tables) = ([0; 2], [0; 2]);
    for block in blocks {
        let mut here = path.to_vec();
        let boxed = usize::from(block.part == Part::TextBox);
        match &block.content {
            Content::Paragraph(p) => {
                paragraphs[boxed] += 1;
                here.push(Step::Paragraph(paragraphs[boxed]));
                let place = Place {
                    part: block.part,
                    page: block.page,
                    path: here.into(),
                    line: block.line,
                };
                let places = &mut view.places;
                p.render(&mut view.text, |out| {
                    out.push('\n');
                    places.push(place.clone());
                });
                view.end_line(place);
            }
            Content::Table(t) => {
                tables[boxed] += 1;
                here.push(Step::Table(tables[boxed]));
                write_table(t, block, &here, view);
            }
        }
    }
}

/// A row whose cells hold one line each is one tab-separated line (a row
/// of labels over a row of values pairs by column). A cell that spans
/// columns is followed by empty cells, so the columns after it keep their
/// place. A row where some cell holds more (several paragraphs, a nested
/// table) is written cell after cell, each cell's lines in turn: the text
/// of a notes cell keeps its line breaks.
fn write_table(t: &Table, block: &Block, path: &[Step], view: &mut LineView) {
    for (r, row) in t.rows.iter().enumerate() {
        let mut row_path = path.to_vec();
        row_path.push(Step::Row(r as u32 + 1));
        let row_path: std::sync::Arc<[Step]> = row_path.into();
        let lines: Option<Vec<Option<&Paragraph>>> = row.cells.iter().map(cell_line).collect();
        if let Some(lines) = lines {
            let last = lines.len().saturating_sub(1);
            for (i, (cell, line)) in row.cells.iter().zip(lines).enumerate() {
                if i > 0 {
                    view.text.push('\t');
                }
                if let Some(p) = line {
                    // One line: `is_one_cell` saw no break.
                    p.render(&mut view.text, |out| out.push(' '));
                }
                if i < last {
                    for _ in 1..cell.col_span {
                        view.text.push('\t');
                    }
                }
            }
            let place = Place {
                part: block.part,
                page: block.page,
                path: row_path,
                line: row.line.or(block.line),
            };
            view.end_line(place);
            continue;
        }
        for (c, cell) in row.cells.iter().enumerate() {
            if cell.merged_above {
                continue;
            }
            let mut cell_path = row_path.to_vec();
            cell_path.push(Step::Cell(c as u32 + 1));
            write_blocks(&cell.blocks, &cell_path, view);
        }
    }
}

/// The one paragraph of one line a cell holds: `Some(None)` for an empty
/// cell, `Some(p)` for one such paragraph, `None` when it holds more.
fn cell_line(cell: &Cell) -> Option<Option<&Paragraph>> {
    if cell.merged_above {
        return Some(None);
    }
    let mut found = None;
    for block in &cell.blocks {
        match &block.content {
            Content::Table(_) => return None,
            Content::Paragraph(p) if p.is_empty() => {}
            Content::Paragraph(p) if p.is_one_cell() && found.is_none() => found = Some(p),
            Content::Paragraph(_) => return None,
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(part: Part, inlines: Vec<Inline>) -> Block {
        Block {
            content: Content::Paragraph(Paragraph { inlines }),
            part,
            page: None,
            bbox: None,
            line: None,
        }
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    fn cell(blocks: Vec<Block>) -> Cell {
        Cell {
            blocks,
            ..Cell::default()
        }
    }

    fn table_doc(table: Table) -> Document {
        Document {
            blocks: vec![Block {
                content: Content::Table(table),
                part: Part::Body,
                page: None,
                bbox: None,
                line: None,
            }],
            ..Document::default()
        }
    }

    fn mark(state: MarkState) -> Inline {
        Inline::Mark(Mark {
            state,
            source: MarkSource::FormField,
        })
    }

    #[test]
    fn paragraphs_are_lines_and_breaks_split_them() {
        let doc = Document {
            blocks: vec![
                para(
                    Part::Body,
                    vec![text("Colaborador"), Inline::Tab, text("Ana")],
                ),
                para(Part::Body, vec![text("uma"), Inline::Break, text("duas")]),
            ],
            ..Document::default()
        };
        let view = doc.line_view();
        assert_eq!(view.text, "Colaborador\tAna\numa\nduas\n");
        assert_eq!(view.place(1).unwrap().to_string(), "body/p[1]");
        assert_eq!(view.place(3).unwrap().to_string(), "body/p[2]");
        assert_eq!(view.place(4), None);
    }

    #[test]
    fn marks_are_written_as_the_glyphs_recognition_reads() {
        let doc = Document {
            blocks: vec![para(
                Part::Body,
                vec![
                    mark(MarkState::Checked),
                    text("SIM "),
                    mark(MarkState::Unchecked),
                    text("NÃO "),
                    mark(MarkState::Unknown),
                    text("Talvez"),
                ],
            )],
            ..Document::default()
        };
        assert_eq!(doc.line_view().text, "☒ SIM ☐ NÃO \u{FFFD} Talvez\n");
    }

    #[test]
    fn a_row_of_one_line_cells_is_a_tab_line_and_spans_keep_columns() {
        let p = |s: &str| para(Part::Body, vec![text(s)]);
        let table = Table {
            rows: vec![
                Row {
                    cells: vec![
                        Cell {
                            col_span: 2,
                            ..cell(vec![p("Colaborador")])
                        },
                        cell(vec![p("Data")]),
                    ],
                    ..Row::default()
                },
                Row {
                    cells: vec![
                        cell(vec![p("Ana")]),
                        cell(vec![]),
                        cell(vec![p("20/03/2025")]),
                    ],
                    ..Row::default()
                },
                Row {
                    cells: vec![cell(vec![p("Obs.:"), p("linha um"), p("linha dois")])],
                    ..Row::default()
                },
            ],
        };
        let doc = table_doc(table);
        let view = doc.line_view();
        assert_eq!(
            view.text,
            "Colaborador\t\tData\nAna\t\t20/03/2025\nObs.:\nlinha um\nlinha dois\n"
        );
        assert_eq!(view.place(1).unwrap().to_string(), "body/tbl[1]/tr[1]");
        assert_eq!(
            view.place(4).unwrap().to_string(),
            "body/tbl[1]/tr[3]/tc[1]/p[2]"
        );
    }

    #[test]
    fn a_cell_merged_from_above_is_an_empty_cell() {
        let p = |s: &str| para(Part::Body, vec![text(s)]);
        let table = Table {
            rows: vec![Row {
                cells: vec![
                    Cell {
                        merged_above: true,
                        ..cell(vec![p("ignored")])
                    },
                    cell(vec![p("B")]),
                ],
                ..Row::default()
            }],
        };
        let doc = table_doc(table);
        assert_eq!(doc.line_view().text, "\tB\n");
    }
}
