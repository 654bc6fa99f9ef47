//! Text exports (and the text of PDF pages) into the layout model.
//!
//! A line is a paragraph; a line with tabs is a row of a table, its cells
//! split at the tabs, and lines of cells that follow each other are rows
//! of one table. A form feed (U+000C, as pdftotext and formsift's PDF
//! reader end a page) starts the next page. ☐ ☑ ☒ are marks (as typed);
//! every other mark (`[x]`, ✔, Wingdings letters) is told from text only
//! by recognition, which knows the options it stands before.
//!
//! The line view of this model is the text itself, line for line (the
//! tests hold the two equal on every fixture), so a text export without
//! pages is split into lines directly ([`crate::input::lines`]): the model
//! is built only where it adds something, pages here.

use crate::document::build::{Builder, Open};
use crate::document::{Document, Part, Rect};
use crate::input::shapes;

/// Form feed: a page ends.
pub const PAGE_BREAK: char = '\u{c}';

/// True when reading `text` through the model may add to its lines: it
/// has pages, or may have a converter's shapes.
pub fn has_structure(text: &str) -> bool {
    has_pages(text) || shapes::may_have_shapes(text)
}

fn has_pages(text: &str) -> bool {
    memchr::memchr(PAGE_BREAK as u8, text.as_bytes()).is_some()
}

/// The layout model of a text, where it adds to the text's lines (pages,
/// a converter's tables, wrapped paragraphs joined, markdown undone);
/// `None` when its line view would be the text, line for line.
pub fn structured(text: &str) -> Option<Document> {
    if !has_structure(text) {
        return None;
    }
    let doc = document(text);
    // Pages always add; shapes only where the reader found one.
    let same = !has_pages(text) && doc.line_view().text.lines().eq(lines(text));
    (!same).then_some(doc)
}

/// The layout model of a text: see the module docs.
pub fn document(text: &str) -> Document {
    document_with(text, &[])
}

/// [`document`], with the box of each line where it has one (`boxes[i]`
/// for the i-th line: PDF text).
pub fn document_with(text: &str, boxes: &[Option<Rect>]) -> Document {
    let mut b = Builder::new(Part::Body);
    let mut page = 1;
    b.page = Some(page);
    let mut in_table = false;
    let all: Vec<&str> = lines(text).collect();
    // The shapes of converters, in text exports (PDF text has its own).
    let shaped = boxes.is_empty() && shapes::may_have_shapes(text);
    let width = shaped.then(|| shapes::wrap_width(&all)).flatten();
    // Markdown writers and pandoc separate paragraphs by a blank line: it
    // is no empty paragraph of the form.
    let separated = shaped && shapes::blank_separated(&all);
    let mut after_text = false;
    let clean = |s: &str| -> String {
        if shaped {
            shapes::unmark(s).into_owned()
        } else {
            s.to_string()
        }
    };
    let mut i = 0;
    while i < all.len() {
        let raw = all[i];
        b.bbox = boxes.get(i).copied().flatten();
        b.line = u32::try_from(i + 1).ok();
        let mut line = raw;
        while let Some(rest) = line.strip_prefix(PAGE_BREAK) {
            if in_table {
                b.close(Open::Table);
                in_table = false;
            }
            page += 1;
            b.page = Some(page);
            line = rest;
        }
        // A page break that ends the text starts no page.
        if line.is_empty() && raw.len() > line.len() && i + 1 == all.len() {
            break;
        }
        if separated && line.trim().is_empty() && line.len() == raw.len() {
            if std::mem::take(&mut after_text) {
                i += 1;
                continue;
            }
        } else {
            after_text = true;
        }
        if shaped && line.len() == raw.len() {
            if let Some(found) = shapes::table_at(&all, i) {
                if in_table {
                    b.close(Open::Table);
                    in_table = false;
                }
                b.open(Open::Table);
                for (at, cells) in found.rows {
                    b.line = u32::try_from(at + 1).ok();
                    b.open(Open::Row);
                    for cell in cells {
                        b.open_cell(1);
                        for p in cell.split('\n') {
                            b.open(Open::Paragraph);
                            b.text(&clean(p));
                            b.close(Open::Paragraph);
                        }
                        b.close(Open::Cell);
                    }
                    b.close(Open::Row);
                }
                b.close(Open::Table);
                i = found.next;
                continue;
            }
        }
        if line.contains('\t') {
            if !in_table {
                b.open(Open::Table);
                in_table = true;
            }
            b.open(Open::Row);
            for cell in line.split('\t') {
                b.cell_text(1, &clean(cell));
            }
            b.close(Open::Row);
        } else {
            if in_table {
                b.close(Open::Table);
                in_table = false;
            }
            b.open(Open::Paragraph);
            let mut text = clean(line);
            // A paragraph wrapped at a fixed width is one line again.
            if let Some(width) = width {
                while i + 1 < all.len() && shapes::wrapped(&all[i], all[i + 1], width) {
                    i += 1;
                    text.push(' ');
                    text.push_str(clean(all[i]).trim());
                }
            }
            b.text(&text);
            b.close(Open::Paragraph);
        }
        i += 1;
    }
    Document {
        blocks: b.finish(),
        ..Document::default()
    }
}

/// Lines as [`crate::input::lines::split_lines`] cuts them.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut ends = memchr::memchr2_iter(b'\n', b'\r', bytes);
    std::iter::from_fn(move || loop {
        match ends.next() {
            Some(i) if i < start => continue, // the \n of a \r\n
            Some(i) => {
                let line = &text[start..i];
                start = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                return Some(line);
            }
            None if start < bytes.len() => {
                let line = &text[start..];
                start = bytes.len();
                return Some(line);
            }
            None => return None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Content, MarkState};

    #[test]
    fn lines_are_paragraphs_and_tab_lines_table_rows() {
        let doc = document("Colaborador\tData\nAna\t20/03\n\nObs.:\r\nnota\n");
        let kinds: Vec<&str> = doc
            .blocks
            .iter()
            .map(|b| match &b.content {
                Content::Paragraph(_) => "p",
                Content::Table(_) => "tbl",
            })
            .collect();
        assert_eq!(kinds, ["tbl", "p", "p", "p"]);
        let Content::Table(t) = &doc.blocks[0].content else {
            unreachable!()
        };
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
        let view = doc.line_view();
        assert_eq!(view.text, "Colaborador\tData\nAna\t20/03\n\nObs.:\nnota\n");
        assert_eq!(
            view.place(2).unwrap().to_string(),
            "body/page[1]/tbl[1]/tr[2]"
        );
        assert_eq!(view.place(5).unwrap().to_string(), "body/page[1]/p[3]");
    }

    #[test]
    fn form_feeds_start_pages_and_leave_the_text() {
        let doc = document("Formulário\n\u{c}Colaborador Ana\n\u{c}\nData\n\u{c}");
        let view = doc.line_view();
        assert_eq!(view.text, "Formulário\nColaborador Ana\n\nData\n");
        let pages: Vec<Option<u32>> = view.places.iter().map(|p| p.page).collect();
        assert_eq!(pages, [Some(1), Some(2), Some(3), Some(3)]);
    }

    #[test]
    fn box_glyphs_are_marks_written_back_as_typed() {
        let doc = document("☐ SIM ☑ NÃO  ☒Talvez");
        let Content::Paragraph(p) = &doc.blocks[0].content else {
            unreachable!()
        };
        let states: Vec<MarkState> = p
            .inlines
            .iter()
            .filter_map(|i| match i {
                crate::document::Inline::Mark(m) => Some(m.state),
                _ => None,
            })
            .collect();
        assert_eq!(
            states,
            [MarkState::Unchecked, MarkState::Checked, MarkState::Checked]
        );
        assert_eq!(doc.line_view().text, "☐ SIM ☑ NÃO  ☒Talvez\n");
    }
}
