//! Word documents (`.docx`, `.docm`: WordprocessingML, ECMA-376 part 1)
//! into the layout model.
//!
//! Read from the main part (`word/document.xml`, or the part `_rels/.rels`
//! names): paragraphs (`w:p`) with their runs' text (`w:t`), tabs
//! (`w:tab`, `w:ptab`), line breaks (`w:br`, `w:cr`); tables (`w:tbl`,
//! `w:tr`, `w:tc`) with `w:gridSpan`, `w:vMerge` and `w:gridBefore`,
//! nested at any depth; text boxes (`w:txbxContent`), placed after the
//! paragraph they are anchored in; content controls (`w:sdt`) around runs,
//! paragraphs, rows and cells. Tracked changes: inserted text counts, deleted text
//! (`w:del`, `w:moveFrom`) does not, nor hidden text (`w:vanish`). Of
//! `mc:AlternateContent` only the `mc:Choice` is read: the `mc:Fallback`
//! repeats the same text for older readers. Headers, footers, footnotes
//! and endnotes are read as furniture. Pages are those Word last laid out
//! (`w:lastRenderedPageBreak`); a document saved with no such mark has no
//! pages in the model.
//!
//! Checkboxes, each read as a [`Mark`] with its state:
//! - a content control with `w14:checkbox`: the state is `w14:checked`
//!   (`1`, `true`, `on` or no value: checked), not the glyph it shows,
//!   which is skipped;
//! - a legacy `FORMCHECKBOX` field: `w:ffData/w:checkBox`, where
//!   `w:checked` wins over `w:default` and a bare `<w:checked/>` is
//!   checked; a `FORMCHECKBOX` with no data is a box of unknown state;
//! - ☐ ☑ ☒ typed in the text, and the box characters of Wingdings and
//!   Wingdings 2 (as `w:sym`, or typed in a run in that font).
//!
//! Other controls give the text a person sees: a plain-text content
//! control its text, unless it shows its placeholder (`w:showingPlcHdr`),
//! which is not a value; a date picker its date (`w:fullDate`, as
//! `YYYY-MM-DD`, so no format can swap day and month); a drop-down or
//! combo box its shown item; `FORMTEXT` its result; `FORMDROPDOWN` the entry its
//! `w:result` picks (the field shows no text of its own).

use super::xml::{read_part, relationships, Element, Handler, Ns, Reader};
use super::{Archive, Failure};
use crate::document::build::{Builder, Open};
use crate::document::{Block, Document, Inline, MarkSource, MarkState, Part, SymbolFont};

/// Headers, footers, footnotes and endnotes read at most (Word writes up to
/// three headers and three footers a section).
const MAX_FURNITURE: usize = 64;

/// Reads the Word document in `archive`.
pub fn read(archive: &mut Archive) -> Result<Document, Failure> {
    let main = archive
        .main_part()
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(text) = archive.part(&main)? else {
        return Err(Failure::new(
            "docx_invalid",
            format!("a zip archive without {main}: not a Word document"),
        ));
    };
    let mut doc = Document {
        blocks: parse(&text, &main, Part::Body)?,
        ..Document::default()
    };
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let rels = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    if let Some(rels) = archive.part(&rels)? {
        let mut seen = std::collections::HashSet::new();
        for (kind, target) in relationships(&rels, dir) {
            // Each part once, and a bounded number of them: a file naming
            // one large header a hundred times is not read a hundred times.
            if !seen.insert(target.clone()) || seen.len() > MAX_FURNITURE {
                continue;
            }
            let part = match kind.rsplit('/').next() {
                Some("header") => Part::Header,
                Some("footer") => Part::Footer,
                Some("footnotes" | "endnotes") => Part::Footnote,
                _ => continue,
            };
            archive.furniture(&target, part, parse, &mut doc);
        }
    }
    doc.warnings.append(&mut archive.warnings);
    Ok(doc)
}

/// Parses one part (the body, a header...) into blocks.
pub fn parse(text: &str, name: &str, part: Part) -> Result<Vec<Block>, Failure> {
    let mut b = Builder::new(part);
    b.page = Some(1);
    let mut p = Parser {
        b,
        rendered_pages: 1,
        fields: Vec::new(),
        sdts: Vec::new(),
        in_run: 0,
        run_font: None,
        run_vanish: false,
        in_text: false,
        in_field_begin: false,
    };
    read_part(text, name, "docx_invalid", &mut p)?;
    let mut blocks = p.b.finish();
    if p.rendered_pages == 1 {
        // No page break Word rendered: the pages are not known (page 1 for
        // all would be a guess).
        forget_pages(&mut blocks);
    }
    Ok(blocks)
}

fn forget_pages(blocks: &mut [Block]) {
    for b in blocks {
        b.page = None;
        if let crate::document::Content::Table(t) = &mut b.content {
            for cell in t.rows.iter_mut().flat_map(|r| &mut r.cells) {
                forget_pages(&mut cell.blocks);
            }
        }
    }
}

/// An open field (`w:fldChar` begin ... end).
#[derive(Debug, Default)]
struct Field {
    kind: FieldKind,
    /// Its result text is not read (a checkbox's, a drop-down's).
    hides_result: bool,
}

#[derive(Debug, Default)]
enum FieldKind {
    #[default]
    Other,
    Check {
        default: bool,
        checked: Option<bool>,
        /// Its `w:ffData` was read (else its state is unknown).
        described: bool,
    },
    Drop {
        result: usize,
        entries: Vec<String>,
    },
}

/// An open content control.
#[derive(Debug, Default)]
struct Sdt {
    /// `w14:checkbox`, with its `w14:checked`.
    checkbox: Option<bool>,
    placeholder: bool,
    /// A date picker's date (`w:date w:fullDate`), as `YYYY-MM-DD`.
    date: Option<String>,
    /// Its content's text is not read (a checkbox's glyph, a placeholder).
    hides_content: bool,
    /// `w:sdtContent` elements open (one, unless a file nests them).
    open_contents: u32,
}

struct Parser {
    b: Builder,
    /// Pages as Word last laid the document out (`w:lastRenderedPageBreak`).
    rendered_pages: u32,
    fields: Vec<Field>,
    sdts: Vec<Sdt>,
    /// Inside a run (`w:r`), and its symbol font when it has one.
    in_run: usize,
    run_font: Option<SymbolFont>,
    /// The run's text is hidden (`w:vanish`).
    run_vanish: bool,
    /// Inside `w:t`.
    in_text: bool,
    /// The begin `w:fldChar` is open (its `w:ffData` describes the field).
    in_field_begin: bool,
}

/// `w:val`-style on/off values: no value, `1`, `true`, `on` are on.
fn on_off(v: Option<&str>) -> bool {
    !matches!(
        v.map(str::trim),
        Some("0" | "false" | "off" | "False" | "FALSE")
    )
}

impl Handler for Parser {
    fn start(&mut self, e: &Element, xml: &mut Reader) -> Result<(), Failure> {
        match e.ns {
            Ns::W => self.start_w(e, xml),
            Ns::W14 => {
                self.start_w14(e);
                Ok(())
            }
            // Only the Choice: the Fallback repeats it for older readers.
            Ns::Mc if e.local == b"Fallback" => xml.skip(),
            _ => Ok(()),
        }
    }

    fn end(&mut self, ns: Ns, local: &[u8]) {
        self.end_w(ns, local)
    }

    fn text(&mut self, t: &str) {
        self.run_text(t)
    }
}

impl Parser {
    fn start_w(&mut self, e: &Element, xml: &mut Reader) -> Result<(), Failure> {
        let val = || e.attr(Ns::W, b"val");
        match e.local.as_slice() {
            b"p" => self.b.open(Open::Paragraph),
            b"tbl" => self.b.open(Open::Table),
            b"tr" => self.b.open(Open::Row),
            b"tc" => self.b.open(Open::Cell),
            b"txbxContent" => self.b.open(Open::TextBox),
            b"gridSpan" => {
                if let Some(c) = self.b.cell() {
                    c.col_span = val().and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 64);
                }
            }
            b"gridBefore" => {
                let n = val().and_then(|v| v.parse().ok()).unwrap_or(0);
                self.b.skip_columns(n);
            }
            b"vMerge" => {
                if let Some(c) = self.b.cell() {
                    c.merged_above = val() != Some("restart");
                }
            }
            // Deleted text, and text moved away from here; the properties
            // a tracked change replaced (`w:rPrChange`, `w:tcPrChange`...)
            // are not the document's; a paragraph's properties hold no text
            // but tab stops, which are no tabs.
            b"del" | b"moveFrom" | b"pPr" => xml.skip()?,
            l if l.ends_with(b"PrChange") => xml.skip()?,
            b"r" => {
                self.in_run += 1;
                self.run_font = None;
                self.run_vanish = false;
            }
            // Hidden text (Word shows it only with formatting marks on).
            b"vanish" if self.in_run > 0 => self.run_vanish = on_off(val()),
            b"rFonts" if self.in_run > 0 => {
                let font = [b"ascii".as_slice(), b"hAnsi", b"cs", b"eastAsia"]
                    .iter()
                    .find_map(|k| e.attr(Ns::W, k));
                self.run_font = font.map(symbol_font).filter(|f| *f != SymbolFont::Other);
            }
            b"t" => self.in_text = true,
            b"lastRenderedPageBreak" => {
                self.rendered_pages += 1;
                self.b.turn_page(self.rendered_pages);
            }
            b"tab" | b"ptab" if self.in_run > 0 => self.b.inline(Inline::Tab),
            b"br" | b"cr" if self.in_run > 0 => self.b.inline(Inline::Break),
            b"noBreakHyphen" if self.in_run > 0 => self.b.text("-"),
            b"sym" => {
                let font = symbol_font(e.attr(Ns::W, b"font").unwrap_or_default());
                let code = e
                    .attr(Ns::W, b"char")
                    .and_then(|c| u16::from_str_radix(c.trim(), 16).ok());
                if let Some(code) = code {
                    self.symbol(font, code);
                }
            }
            b"fldChar" => self.field_char(e.attr(Ns::W, b"fldCharType").unwrap_or_default()),
            b"instrText" => {
                let instr = xml.text()?;
                self.field_instruction(&instr);
            }
            b"checkBox" if self.in_field_begin => {
                if let Some(f) = self.fields.last_mut() {
                    f.kind = FieldKind::Check {
                        default: false,
                        checked: None,
                        described: true,
                    };
                }
            }
            b"default" | b"checked" if self.in_field_begin => {
                if let Some(Field {
                    kind:
                        FieldKind::Check {
                            default, checked, ..
                        },
                    ..
                }) = self.fields.last_mut()
                {
                    if e.local == b"default" {
                        *default = on_off(val());
                    } else {
                        *checked = Some(on_off(val()));
                    }
                }
            }
            b"ddList" if self.in_field_begin => {
                if let Some(f) = self.fields.last_mut() {
                    f.kind = FieldKind::Drop {
                        result: 0,
                        entries: Vec::new(),
                    };
                }
            }
            b"result" | b"listEntry" if self.in_field_begin => {
                if let Some(Field {
                    kind: FieldKind::Drop { result, entries },
                    ..
                }) = self.fields.last_mut()
                {
                    if e.local == b"result" {
                        *result = val().and_then(|v| v.parse().ok()).unwrap_or(0);
                    } else {
                        entries.push(val().unwrap_or_default().to_string());
                    }
                }
            }
            b"sdt" => self.sdts.push(Sdt::default()),
            b"date" => {
                let full = e.attr(Ns::W, b"fullDate").unwrap_or_default();
                let day = full.get(..10).filter(|d| {
                    d.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
                });
                if let (Some(s), Some(day)) = (self.sdts.last_mut(), day) {
                    s.date = Some(day.to_string());
                }
            }
            b"showingPlcHdr" => {
                if let Some(s) = self.sdts.last_mut() {
                    s.placeholder = on_off(val());
                }
            }
            b"sdtContent" => self.sdt_content(),
            _ => {}
        }
        Ok(())
    }

    fn start_w14(&mut self, e: &Element) {
        let Some(sdt) = self.sdts.last_mut() else {
            return;
        };
        match e.local.as_slice() {
            b"checkbox" => {
                sdt.checkbox.get_or_insert(false);
            }
            b"checked" => sdt.checkbox = Some(on_off(e.attr(Ns::W14, b"val"))),
            _ => {}
        }
    }

    /// A content control's content begins: a checkbox gives its mark, and
    /// neither its glyph nor a placeholder's text is read.
    fn sdt_content(&mut self) {
        let Some(sdt) = self.sdts.last_mut() else {
            return;
        };
        sdt.open_contents += 1;
        if sdt.open_contents > 1 {
            return; // a content inside the first: read (or hidden) with it
        }
        let checkbox = sdt.checkbox;
        // A date picker gives its date, whatever format it shows it in.
        let date = sdt.date.take().filter(|_| !sdt.placeholder);
        if checkbox.is_some() || sdt.placeholder || date.is_some() {
            sdt.hides_content = true;
            self.b.hidden += 1;
        }
        if let Some(date) = date {
            self.b.hidden = self.b.hidden.saturating_sub(1);
            self.b.text(&date);
            self.b.hidden += 1;
        }
        if let Some(checked) = checkbox {
            let state = if checked {
                MarkState::Checked
            } else {
                MarkState::Unchecked
            };
            self.b.mark(state, MarkSource::ContentControl);
        }
    }

    fn field_char(&mut self, kind: &str) {
        match kind {
            "begin" => {
                self.fields.push(Field::default());
                self.in_field_begin = true;
            }
            "separate" => {
                if let Some(f) = self.fields.last_mut() {
                    if !matches!(f.kind, FieldKind::Other) && !f.hides_result {
                        f.hides_result = true;
                        self.b.hidden += 1;
                    }
                }
            }
            "end" => {
                if let Some(f) = self.fields.pop() {
                    if f.hides_result {
                        self.b.hidden = self.b.hidden.saturating_sub(1);
                    }
                    self.field_end(f);
                }
            }
            _ => {}
        }
    }

    /// `FORMCHECKBOX` with no `w:ffData`: a box whose state is not said.
    fn field_instruction(&mut self, instr: &str) {
        let word = instr.split_whitespace().next().unwrap_or_default();
        if let Some(f) = self.fields.last_mut() {
            if matches!(f.kind, FieldKind::Other) && word.eq_ignore_ascii_case("FORMCHECKBOX") {
                f.kind = FieldKind::Check {
                    default: false,
                    checked: None,
                    described: false,
                };
            }
        }
    }

    /// A checkbox or drop-down field still open when its paragraph ends
    /// has lost its end: it ends here, so the text after it is not hidden
    /// with its result.
    fn end_fields_hiding_text(&mut self) {
        let Some(first) = self.fields.iter().position(|f| f.hides_result) else {
            return;
        };
        // Innermost first, with any field opened inside them.
        while self.fields.len() > first {
            let f = self.fields.pop().expect("longer than first");
            if f.hides_result {
                self.b.hidden = self.b.hidden.saturating_sub(1);
            }
            self.field_end(f);
        }
    }

    /// A field ends: a checkbox gives its mark, a drop-down its entry.
    fn field_end(&mut self, f: Field) {
        match f.kind {
            FieldKind::Other => {}
            FieldKind::Check {
                default,
                checked,
                described,
            } => {
                let state = match (described, checked.unwrap_or(default)) {
                    (false, _) => MarkState::Unknown,
                    (true, true) => MarkState::Checked,
                    (true, false) => MarkState::Unchecked,
                };
                self.b.mark(state, MarkSource::FormField);
            }
            FieldKind::Drop { result, entries } => {
                if let Some(entry) = entries.get(result).or(entries.first()) {
                    let entry = entry.clone();
                    self.b.text(&entry);
                }
            }
        }
    }

    fn end_w(&mut self, ns: Ns, local: &[u8]) {
        if ns != Ns::W {
            return;
        }
        match local {
            b"p" => {
                self.end_fields_hiding_text();
                self.b.close(Open::Paragraph)
            }
            b"tbl" => self.b.close(Open::Table),
            b"tr" => self.b.close(Open::Row),
            b"tc" => self.b.close(Open::Cell),
            b"txbxContent" => self.b.close(Open::TextBox),
            b"r" => {
                self.in_run = self.in_run.saturating_sub(1);
                self.run_font = None;
            }
            b"t" => self.in_text = false,
            b"fldChar" => self.in_field_begin = false,
            b"sdtContent" => {
                if let Some(s) = self.sdts.last_mut() {
                    s.open_contents = s.open_contents.saturating_sub(1);
                    if s.hides_content && s.open_contents == 0 {
                        s.hides_content = false;
                        self.b.hidden = self.b.hidden.saturating_sub(1);
                    }
                }
            }
            b"sdt" => {
                if let Some(s) = self.sdts.pop() {
                    if s.hides_content {
                        self.b.hidden = self.b.hidden.saturating_sub(1);
                    }
                }
            }
            _ => {}
        }
    }

    fn run_text(&mut self, t: &str) {
        if !self.in_text || self.b.hidden > 0 || self.run_vanish {
            return;
        }
        match self.run_font {
            Some(font) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        self.b.text(c.encode_utf8(&mut [0; 4])); // a space is a space
                    } else {
                        self.symbol(font, c as u32 as u16);
                    }
                }
            }
            None => self.b.text(t),
        }
    }

    /// A symbol-font character: a box of Wingdings or Wingdings 2 is a
    /// mark; any other character is kept as Word's text exports write it,
    /// in the private use area (U+F000 plus its code).
    fn symbol(&mut self, font: SymbolFont, code: u16) {
        if self.b.hidden > 0 {
            return;
        }
        let low = (code & 0xFF) as u8;
        match symbol_state(font, low) {
            Some(state) => self.b.mark(state, MarkSource::Symbol(font, code)),
            None => {
                let c = char::from_u32(0xF000 | u32::from(low)).unwrap_or('\u{FFFD}');
                self.b.text(c.encode_utf8(&mut [0; 4]));
            }
        }
    }
}

fn symbol_font(name: &str) -> SymbolFont {
    match name.trim() {
        "Wingdings" => SymbolFont::Wingdings,
        "Wingdings 2" => SymbolFont::Wingdings2,
        _ => SymbolFont::Other,
    }
}

/// The boxes of the symbol fonts, by code.
fn symbol_state(font: SymbolFont, code: u8) -> Option<MarkState> {
    match (font, code) {
        // Wingdings: 0xFE box with a check, 0xFD box with an x, 0x78 ⌧;
        // 0xA8 and 0x6F empty boxes.
        (SymbolFont::Wingdings, 0xFE | 0xFD | 0x78) => Some(MarkState::Checked),
        (SymbolFont::Wingdings, 0xA8 | 0x6F) => Some(MarkState::Unchecked),
        // Wingdings 2: 0x51 0x53 0x54 boxes with an x, 0x52 with a check;
        // 0xA3 and 0x2A empty boxes.
        (SymbolFont::Wingdings2, 0x51..=0x54) => Some(MarkState::Checked),
        (SymbolFont::Wingdings2, 0xA3 | 0x2A) => Some(MarkState::Unchecked),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn lines(body: &str) -> String {
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let blocks = parse(&xml, "word/document.xml", Part::Body).unwrap();
        Document::from(blocks).line_view().text
    }

    #[test]
    fn pages_are_those_word_last_rendered() {
        let body = r#"<w:p><w:r><w:t>um</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>dois</w:t><w:lastRenderedPageBreak/><w:t>ainda</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>tres</w:t></w:r></w:p>"#;
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let blocks = parse(&xml, "word/document.xml", Part::Body).unwrap();
        let pages: Vec<Option<u32>> = blocks.iter().map(|b| b.page).collect();
        // The table starts on page 1 and runs onto page 2.
        assert_eq!(pages, [Some(1), Some(1), Some(2)]);
        let view = Document {
            blocks,
            ..Document::default()
        }
        .line_view();
        assert_eq!(view.place(3).unwrap().to_string(), "body/page[2]/p[2]");
        // Without Word's layout, no page is claimed.
        let xml = format!(
            "<w:document {W}><w:body><w:p><w:r><w:t>um</w:t></w:r></w:p></w:body></w:document>"
        );
        let blocks = parse(&xml, "word/document.xml", Part::Body).unwrap();
        assert_eq!(blocks[0].page, None);
    }

    #[test]
    fn a_page_break_first_in_a_paragraph_puts_it_on_the_new_page() {
        let body = r#"<w:p><w:r><w:t>um</w:t></w:r></w:p><w:p><w:r><w:lastRenderedPageBreak/><w:t>dois</w:t></w:r></w:p>"#;
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let blocks = parse(&xml, "word/document.xml", Part::Body).unwrap();
        let pages: Vec<Option<u32>> = blocks.iter().map(|b| b.page).collect();
        assert_eq!(pages, [Some(1), Some(2)]);
    }

    #[test]
    fn tab_stops_and_replaced_properties_are_not_content() {
        // A text box's paragraph with tab stops, inside a run of the body.
        let body = r#"<w:p><w:r><w:t>Obs.</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2880"/></w:tabs></w:pPr><w:r><w:t>nota</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:tcPrChange w:id="1"><w:tcPr><w:vMerge/></w:tcPr></w:tcPrChange></w:tcPr><w:p><w:r><w:rPr><w:rPrChange w:id="2"><w:rPr><w:rFonts w:ascii="Wingdings"/></w:rPr></w:rPrChange></w:rPr><w:t>Ana</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        assert_eq!(lines(body), "Obs.\nnota\nAna\n");
    }

    #[test]
    fn a_second_content_in_a_placeholder_hides_nothing_after_it() {
        let body = r#"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:sdtContent/><w:p><w:r><w:t>Clique</w:t></w:r></w:p></w:sdtContent></w:sdt><w:p><w:r><w:t>Colaborador Ana</w:t></w:r></w:p>"#;
        assert_eq!(lines(body), "\nColaborador Ana\n");
    }

    #[test]
    fn hidden_runs_are_not_read_and_spaces_in_symbol_runs_stay_spaces() {
        let body = r#"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>instrução oculta </w:t></w:r><w:r><w:t>Colaborador Ana</w:t></w:r></w:p><w:p><w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>þ </w:t></w:r><w:r><w:t>Sim</w:t></w:r></w:p>"#;
        assert_eq!(lines(body), "Colaborador Ana\n☒ Sim\n");
    }

    #[test]
    fn runs_split_inside_words_join() {
        let body = r#"<w:p><w:r><w:t>Colab</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>orador</w:t></w:r><w:r><w:tab/><w:t>Ana</w:t></w:r></w:p>"#;
        assert_eq!(lines(body), "Colaborador\tAna\n");
    }

    #[test]
    fn deleted_text_is_not_read_and_inserted_text_is() {
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Colaborador </w:t></w:r><w:del w:id="1"><w:r><w:delText>Joana</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>Ana</w:t></w:r></w:ins></w:p>"#;
        assert_eq!(lines(body), "Colaborador Ana\n");
    }

    #[test]
    fn a_content_control_box_says_its_state_not_its_glyph() {
        let cc = |val: &str, glyph: &str| {
            format!(
                r#"<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{val}"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"#
            )
        };
        let body = format!(
            "<w:p>{}<w:r><w:t>A</w:t></w:r>{}<w:r><w:t>B</w:t></w:r>{}<w:r><w:t>C</w:t></w:r>{}<w:r><w:t>D</w:t></w:r></w:p>",
            cc("1", "☐"),
            cc("false", "☒"),
            cc("true", "☐"),
            cc("0", "☐")
        );
        assert_eq!(lines(&body), "☒ A ☐ B ☒ C ☐ D\n");
    }

    fn legacy(data: &str) -> String {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>{data}</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    }

    #[test]
    fn a_legacy_box_checked_wins_over_default() {
        let body = format!(
            "<w:p>{}<w:r><w:t>A</w:t></w:r>{}<w:r><w:t>B</w:t></w:r>{}<w:r><w:t>C</w:t></w:r>{}<w:r><w:t>D</w:t></w:r></w:p>",
            legacy(r#"<w:default w:val="0"/><w:checked/>"#),
            legacy(r#"<w:default w:val="1"/><w:checked w:val="0"/>"#),
            legacy(r#"<w:default w:val="1"/>"#),
            legacy(r#"<w:default w:val="0"/>"#),
        );
        assert_eq!(lines(&body), "☒ A ☐ B ☒ C ☐ D\n");
    }

    #[test]
    fn a_box_field_that_never_ends_hides_nothing_after_its_paragraph() {
        let body = format!(
            "<w:p>{}<w:r><w:t>Sim</w:t></w:r></w:p><w:p><w:r><w:t>Colaborador Ana</w:t></w:r></w:p>",
            legacy(r#"<w:checked/>"#).replace(r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#, "")
        );
        assert_eq!(lines(&body), "☒ \nColaborador Ana\n");
    }

    #[test]
    fn a_formcheckbox_without_data_is_unknown() {
        let body = r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>Sim</w:t></w:r></w:p>"#;
        assert_eq!(lines(body), "\u{FFFD} Sim\n");
    }

    #[test]
    fn a_dropdown_field_shows_its_result_entry() {
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Tipo </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="1"/><w:listEntry w:val="Consultório"/><w:listEntry w:val="Clínica"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>junk</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
        assert_eq!(lines(body), "Tipo Clínica\n");
    }

    #[test]
    fn placeholders_are_not_values_and_text_controls_are() {
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Quais? </w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>Clique aqui</w:t></w:r></w:sdtContent></w:sdt></w:p><w:p><w:r><w:t xml:space="preserve">Moeda </w:t></w:r><w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>Real</w:t></w:r></w:sdtContent></w:sdt></w:p>"#;
        assert_eq!(lines(body), "Quais? \nMoeda Real\n");
    }

    #[test]
    fn a_date_picker_gives_its_full_date() {
        let body = r#"<w:p><w:r><w:t xml:space="preserve">Data </w:t></w:r><w:sdt><w:sdtPr><w:date w:fullDate="2025-03-04T00:00:00Z"><w:dateFormat w:val="M/d/yyyy"/></w:date></w:sdtPr><w:sdtContent><w:r><w:t>3/4/2025</w:t></w:r></w:sdtContent></w:sdt></w:p><w:p><w:sdt><w:sdtPr><w:date/><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Enter a date.</w:t></w:r></w:sdtContent></w:sdt></w:p>"#;
        assert_eq!(lines(body), "Data 2025-03-04\n\n");
        // A picker around a whole paragraph gives its date to it.
        let body = r#"<w:sdt><w:sdtPr><w:date w:fullDate="2025-03-20T00:00:00Z"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>20/03/2025</w:t></w:r></w:p></w:sdtContent></w:sdt>"#;
        assert_eq!(lines(body), "2025-03-20\n");
    }

    #[test]
    fn symbols_of_wingdings_are_boxes() {
        let body = r#"<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:t xml:space="preserve"> SIM </w:t><w:sym w:font="Wingdings" w:char="F0A8"/><w:t xml:space="preserve"> NÃO</w:t></w:r></w:p><w:p><w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>R</w:t></w:r><w:r><w:t xml:space="preserve"> X</w:t></w:r><w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r></w:p>"#;
        assert_eq!(lines(body), "☒ SIM ☐ NÃO\n☒ X\u{F0B7}\n");
    }

    #[test]
    fn a_text_box_is_read_once_after_its_paragraph() {
        let body = r#"<w:p><w:r><w:t>Obs. Geral</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Nota da caixa</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Nota da caixa</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p><w:p><w:r><w:t>Depois</w:t></w:r></w:p>"#;
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let blocks = parse(&xml, "word/document.xml", Part::Body).unwrap();
        let parts: Vec<Part> = blocks.iter().map(|b| b.part).collect();
        assert_eq!(parts, [Part::Body, Part::TextBox, Part::Body]);
        assert_eq!(lines(body), "Obs. Geral\nNota da caixa\nDepois\n");
    }

    #[test]
    fn a_row_that_starts_late_keeps_its_columns() {
        let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Operadora</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>CRO</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>54321</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        assert_eq!(lines(body), "Operadora\tCRO\n\t54321\n");
    }

    #[test]
    fn tables_keep_spans_merges_and_nesting() {
        let tc = |props: &str, text: &str| {
            format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}<w:tc><w:tbl><w:tr>{}</w:tr></w:tbl></w:tc></w:tr></w:tbl>",
            tc(r#"<w:gridSpan w:val="2"/>"#, "Colaborador"),
            tc(r#"<w:vMerge w:val="restart"/>"#, "Data"),
            tc("", "Ana"),
            tc("", "Beatriz"),
            tc("<w:vMerge/>", ""),
            tc("", "fora"),
            tc("", "dentro"),
        );
        assert_eq!(
            lines(&body),
            "Colaborador\t\tData\nAna\tBeatriz\t\nfora\ndentro\n"
        );
    }

    #[test]
    fn an_unclosed_part_keeps_what_it_read() {
        let xml = format!("<w:document {W}><w:body><w:p><w:r><w:t>Colaborador Ana</w:t></w:r></w:p><w:p><w:r><w:t>Data");
        let err = parse(&xml, "word/document.xml", Part::Body);
        // quick-xml reports the unclosed elements at the end of input, or
        // the reader closes them: either way nothing panics.
        if let Ok(blocks) = err {
            assert!(!blocks.is_empty());
        }
    }
}
