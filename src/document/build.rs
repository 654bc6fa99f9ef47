//! Building a [`Document`](super::Document) from a stream of "this opens",
//! "this closes", "here is text": what every reader of a markup format
//! does, kept in one place so readers only map their elements to it.

use super::{
    Block, Cell, Content, Inline, Mark, MarkSource, MarkState, Paragraph, Part, Rect, Row, Table,
};

/// What is open, innermost last.
#[derive(Debug)]
enum Frame {
    /// A container of blocks: the part itself, or a text box.
    Blocks(Vec<Block>, Part),
    /// A table, and the page it starts on.
    Table(Table, Option<u32>),
    /// A row, and how many grid columns the last cell's span still covers
    /// (for formats that write covered cells).
    Row(Row, u32),
    Cell(Cell),
    /// A paragraph, the blocks of the text boxes anchored in it, and the
    /// page it starts on.
    Paragraph(Paragraph, Vec<Block>, Option<u32>),
}

/// The kinds of frame a reader opens and closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    Paragraph,
    Table,
    Row,
    Cell,
    TextBox,
    /// A header or footer inside a part that holds other things too (ODF's
    /// styles).
    Furniture(Part),
}

/// Blocks being built from one part of a document.
#[derive(Debug)]
pub struct Builder {
    frames: Vec<Frame>,
    /// Inside this many elements whose text is not a value (a checkbox's
    /// glyph, a placeholder, deleted text): text and inlines are dropped.
    pub hidden: usize,
    /// Marks and text met outside any paragraph (a control around whole
    /// paragraphs or cells), for the next paragraph.
    pending: Vec<Inline>,
    /// The page of the blocks being opened, where the source says.
    pub page: Option<u32>,
    /// The box of the paragraph or row being closed, where the source has
    /// one; a table's box holds its rows'.
    pub bbox: Option<Rect>,
    /// The text export's line of the paragraph or row being closed.
    pub line: Option<u32>,
}

impl Builder {
    /// A builder for blocks of `part`.
    pub fn new(part: Part) -> Builder {
        Builder {
            frames: vec![Frame::Blocks(Vec::new(), part)],
            hidden: 0,
            pending: Vec::new(),
            page: None,
            bbox: None,
            line: None,
        }
    }

    /// Opens a frame.
    pub fn open(&mut self, what: Open) {
        let frame = match what {
            Open::Paragraph => {
                let mut p = Paragraph::default();
                p.inlines.append(&mut self.pending);
                Frame::Paragraph(p, Vec::new(), self.page)
            }
            Open::Table => Frame::Table(Table::default(), self.page),
            Open::Row => Frame::Row(Row::default(), 0),
            Open::Cell => Frame::Cell(Cell::default()),
            Open::TextBox => Frame::Blocks(Vec::new(), Part::TextBox),
            Open::Furniture(part) => Frame::Blocks(Vec::new(), part),
        };
        self.frames.push(frame);
    }

    /// The page turns to `page`: blocks opened from now on are on it, and
    /// so is the paragraph being read if nothing of it came before.
    pub fn turn_page(&mut self, page: u32) {
        self.page = Some(page);
        if let Some(Frame::Paragraph(p, _, at)) = self.frames.last_mut() {
            if p.inlines.is_empty() {
                *at = Some(page);
            }
        }
    }

    /// Opens a cell that spans `col_span` grid columns.
    pub fn open_cell(&mut self, col_span: u32) {
        let col_span = col_span.clamp(1, 64);
        if let Some(Frame::Row(_, covered)) = self.frames.last_mut() {
            *covered = col_span - 1;
        }
        self.frames.push(Frame::Cell(Cell {
            col_span,
            ..Cell::default()
        }));
    }

    /// A whole cell of one paragraph: `text` over `col_span` columns.
    pub fn cell_text(&mut self, col_span: u32, text: &str) {
        self.open_cell(col_span);
        self.open(Open::Paragraph);
        self.text(text);
        self.close(Open::Paragraph);
        self.close(Open::Cell);
    }

    /// The row being read starts `n` grid columns in (Word's
    /// `w:gridBefore`): empty cells stand for them, so the cells after keep
    /// their columns.
    pub fn skip_columns(&mut self, n: u32) {
        if let Some(Frame::Row(row, _)) = self.frames.last_mut() {
            row.cells.extend((0..n.min(64)).map(|_| Cell::default()));
        }
    }

    /// A covered cell (ODF's `table:covered-table-cell`): under a span of
    /// this row it is nothing, else it continues the cell above.
    pub fn covered_cell(&mut self) {
        if let Some(Frame::Row(row, covered)) = self.frames.last_mut() {
            if *covered > 0 {
                *covered -= 1;
            } else {
                row.cells.push(Cell {
                    merged_above: true,
                    ..Cell::default()
                });
            }
        }
    }

    /// The cell being read, to set its span or merge.
    pub fn cell(&mut self) -> Option<&mut Cell> {
        match self.frames.last_mut() {
            Some(Frame::Cell(c)) => Some(c),
            _ => None,
        }
    }

    /// Closes the innermost frame if it is of this kind (a reader's ends
    /// match its starts, but a start it refused has no frame).
    pub fn close(&mut self, what: Open) {
        let open = match self.frames.last() {
            Some(Frame::Paragraph(..)) => Open::Paragraph,
            Some(Frame::Table(..)) => Open::Table,
            Some(Frame::Row(..)) => Open::Row,
            Some(Frame::Cell(_)) => Open::Cell,
            Some(Frame::Blocks(_, Part::TextBox)) if self.frames.len() > 1 => Open::TextBox,
            Some(Frame::Blocks(_, part)) if self.frames.len() > 1 => Open::Furniture(*part),
            _ => return,
        };
        if open == what {
            self.close_top();
        }
    }

    /// Pops the innermost frame into the one around it.
    fn close_top(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        match frame {
            Frame::Paragraph(p, boxes, page) => {
                let (part, bbox, line) = (self.part(), self.bbox, self.line);
                let blocks = self.container();
                let mut b = block(Content::Paragraph(p), part, page);
                b.bbox = bbox;
                b.line = line;
                blocks.push(b);
                blocks.extend(boxes);
            }
            Frame::Table(t, page) => {
                let part = self.part();
                let mut b = block(Content::Table(Table::default()), part, page);
                b.bbox = t.rows.iter().filter_map(|r| r.bbox).reduce(Rect::union);
                b.line = t.rows.iter().find_map(|r| r.line);
                b.content = Content::Table(t);
                self.container().push(b);
            }
            Frame::Row(mut row, _) => match self.frames.last_mut() {
                Some(Frame::Table(t, _)) => {
                    row.bbox = self.bbox;
                    row.line = self.line;
                    t.rows.push(row)
                }
                // A row outside a table: its cells' text is kept.
                _ => {
                    let blocks: Vec<Block> = row.cells.into_iter().flat_map(|c| c.blocks).collect();
                    self.container().extend(blocks);
                }
            },
            Frame::Cell(cell) => match self.frames.last_mut() {
                Some(Frame::Row(r, _)) => r.cells.push(cell),
                _ => self.container().extend(cell.blocks),
            },
            Frame::Blocks(blocks, _) => match self.frames.last_mut() {
                Some(Frame::Paragraph(_, boxes, _)) => boxes.extend(blocks),
                _ => self.container().extend(blocks),
            },
        }
    }

    /// Closes what is still open (a part cut short) and gives the blocks.
    pub fn finish(mut self) -> Vec<Block> {
        while self.frames.len() > 1 {
            self.close_top();
        }
        if !self.pending.is_empty() {
            // Nothing followed them: they are a paragraph of their own.
            self.open(Open::Paragraph);
            self.close_top();
        }
        match self.frames.pop() {
            Some(Frame::Blocks(blocks, _)) => blocks,
            _ => Vec::new(),
        }
    }

    /// The part of the innermost container.
    fn part(&self) -> Part {
        self.frames
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Blocks(_, part) => Some(*part),
                _ => None,
            })
            .unwrap_or(Part::Body)
    }

    /// The innermost frame that holds blocks.
    fn container(&mut self) -> &mut Vec<Block> {
        let i = self
            .frames
            .iter()
            .rposition(|f| matches!(f, Frame::Blocks(..) | Frame::Cell(_)))
            .expect("the part's own frame is never closed");
        match &mut self.frames[i] {
            Frame::Blocks(blocks, _) => blocks,
            Frame::Cell(c) => &mut c.blocks,
            _ => unreachable!("found above"),
        }
    }

    /// The paragraph being read: the innermost frame, if it is one (text
    /// between the blocks of a text box or a cell is not its anchor's).
    fn paragraph(&mut self) -> Option<&mut Paragraph> {
        match self.frames.last_mut() {
            Some(Frame::Paragraph(p, ..)) => Some(p),
            _ => None,
        }
    }

    /// Text, with the box glyphs in it (☐ ☑ ☒) read as marks.
    pub fn text(&mut self, t: &str) {
        if self.hidden > 0 {
            return;
        }
        if self.paragraph().is_none() {
            // Text before its paragraph opens (a date control around a
            // whole paragraph): it leads the next one.
            let mut p = Paragraph::default();
            push_marked(&mut p, t);
            self.pending.append(&mut p.inlines);
            return;
        }
        let p = self.paragraph().expect("seen above");
        push_marked(p, t);
    }

    /// A tab or a line break.
    pub fn inline(&mut self, inline: Inline) {
        if self.hidden > 0 {
            return;
        }
        if let Some(p) = self.paragraph() {
            p.inlines.push(inline);
        }
    }

    /// A box: in its paragraph, or waiting for the next one to start (a
    /// control around whole paragraphs).
    pub fn mark(&mut self, state: MarkState, source: MarkSource) {
        let mark = Inline::Mark(Mark { state, source });
        match self.paragraph() {
            Some(p) => p.inlines.push(mark),
            None => self.pending.push(mark),
        }
    }
}

fn block(content: Content, part: Part, page: Option<u32>) -> Block {
    Block {
        content,
        part,
        page,
        bbox: None,
        line: None,
    }
}

/// Text into `p`, with the box glyphs in it (☐ ☑ ☒) read as marks.
fn push_marked(p: &mut Paragraph, t: &str) {
    // ☐ ☑ ☒ are U+2610..U+2612: most text has no E2 98 in it at all.
    if memchr::memmem::find(t.as_bytes(), b"\xE2\x98").is_none() {
        p.push_text(t);
        return;
    }
    let mut rest = t;
    while let Some((i, c)) = rest.char_indices().find(|(_, c)| glyph_state(*c).is_some()) {
        p.push_text(&rest[..i]);
        let state = glyph_state(c).expect("found above");
        p.inlines.push(Inline::Mark(Mark {
            state,
            source: MarkSource::Glyph(c),
        }));
        rest = &rest[i + c.len_utf8()..];
    }
    p.push_text(rest);
}

/// The box characters typed as text: ☐ ☑ ☒.
fn glyph_state(c: char) -> Option<MarkState> {
    match c {
        '☐' => Some(MarkState::Unchecked),
        '☑' | '☒' => Some(MarkState::Checked),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn covered_cells_under_a_span_vanish_and_others_merge_above() {
        let mut b = Builder::new(Part::Body);
        b.open(Open::Table);
        b.open(Open::Row);
        b.cell_text(2, "Colaborador");
        b.covered_cell();
        b.cell_text(1, "Data");
        b.close(Open::Row);
        b.open(Open::Row);
        b.covered_cell();
        b.cell_text(1, "☒ Sim");
        b.close(Open::Row);
        let doc = Document {
            blocks: b.finish(),
            ..Document::default()
        };
        assert_eq!(doc.line_view().text, "Colaborador\t\tData\n\t☒ Sim\n");
    }

    #[test]
    fn text_between_a_text_boxs_paragraphs_is_not_its_anchors() {
        let mut b = Builder::new(Part::Body);
        b.open(Open::Paragraph);
        b.text("Obs.");
        b.open(Open::TextBox);
        b.mark(MarkState::Checked, MarkSource::ContentControl);
        b.text("Sim");
        b.open(Open::Paragraph);
        b.text(" nota");
        b.close(Open::Paragraph);
        b.close(Open::TextBox);
        b.close(Open::Paragraph);
        b.text("sobra");
        let doc = Document {
            blocks: b.finish(),
            ..Document::default()
        };
        assert_eq!(doc.line_view().text, "Obs.\n☒ Sim nota\nsobra\n");
    }

    #[test]
    fn a_mark_before_any_paragraph_waits_for_the_next() {
        let mut b = Builder::new(Part::Body);
        b.mark(MarkState::Checked, MarkSource::ContentControl);
        b.open(Open::Paragraph);
        b.text("Sim");
        let doc = Document {
            blocks: b.finish(),
            ..Document::default()
        };
        assert_eq!(doc.line_view().text, "☒ Sim\n");
    }
}
