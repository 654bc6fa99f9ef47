//! LibreOffice text documents (`.odt`, OpenDocument 1.3) into the layout
//! model.
//!
//! Read from `content.xml`: paragraphs and headings (`text:p`, `text:h`)
//! with spans, links and lists inside; spaces (`text:s`, with its count),
//! tabs (`text:tab`) and line breaks (`text:line-break`); tables
//! (`table:table`, rows, cells with `table:number-columns-spanned`, and
//! `table:covered-table-cell` for what a span or a vertical merge covers),
//! nested; text boxes (`draw:text-box`), after the paragraph they are
//! anchored in. Deleted text of tracked changes is kept apart by ODF
//! (`text:tracked-changes`) and not read; notes and annotations are not
//! form content. Headers and footers come from `styles.xml` as furniture.
//!
//! Checkboxes:
//! - form controls: `form:checkbox` (and `form:radio`, by
//!   `form:current-selected`) in `office:forms` holds the state
//!   (`form:current-state`, unchecked when absent: `form:state` is only
//!   the state the form starts in), and `draw:control` places it in the
//!   text;
//! - Word's legacy boxes as LibreOffice keeps them: a `field:fieldmark` of
//!   type FORMCHECKBOX, checked when its `Checkbox_Checked` parameter is
//!   true (FORMDROPDOWN: the `Dropdown_Selected` entry of its
//!   `Dropdown_ListEntry` parameters);
//! - Word's content controls as LibreOffice keeps them:
//!   `loext:content-control` with `loext:checkbox`, checked by
//!   `loext:checked`; a control showing its placeholder gives no text;
//! - ☐ ☑ ☒ typed in the text.
//!
//! A form text field (`form:text`, `form:formatted-text`, `form:textarea`)
//! placed by `draw:control` gives its value (`form:current-value`). Text
//! is white-space collapsed, as ODF says; images' alt text is not content.
//!
//! A password-protected document (its manifest has `encryption-data`) is
//! `odt_encrypted`.

use std::collections::HashMap;

use super::xml::{read_part, Element, Ev, Handler, Ns, Reader};
use super::{Archive, Failure};
use crate::document::build::{Builder, Open};
use crate::document::{Block, Document, Inline, MarkSource, MarkState, Part};

/// Reads the text document in `archive`.
pub fn read(archive: &mut Archive) -> Result<Document, Failure> {
    if let Some(manifest) = archive.part("META-INF/manifest.xml")? {
        if manifest.contains("encryption-data") {
            return Err(Failure::new(
                "odt_encrypted",
                "the document is protected by a password; open it in LibreOffice, \
                 remove the password (File > Properties > Security) and save it again",
            ));
        }
    }
    let Some(content) = archive.part("content.xml")? else {
        return Err(Failure::new(
            "odt_invalid",
            "an OpenDocument package without content.xml",
        ));
    };
    let mut doc = Document {
        blocks: parse(&content, "content.xml", Part::Body)?,
        ..Document::default()
    };
    archive.furniture("styles.xml", Part::Header, parse, &mut doc);
    doc.warnings.append(&mut archive.warnings);
    Ok(doc)
}

/// Parses `content.xml` (body blocks) or `styles.xml` (`part` is then
/// Header: only the master pages' headers and footers are read).
pub fn parse(text: &str, name: &str, part: Part) -> Result<Vec<Block>, Failure> {
    let mut p = Parser {
        b: Builder::new(part),
        controls: HashMap::new(),
        fieldmarks: Vec::new(),
        controls_hiding: Vec::new(),
        in_text: false,
        styles: part != Part::Body,
        furniture: 0,
        spaces: text.len(),
        after_space: true,
    };
    read_part(text, name, "odt_invalid", &mut p)?;
    Ok(p.b.finish())
}

/// A form control `draw:control` places in the text.
enum Control {
    Box(MarkState),
    Text(String),
    Other,
}

/// An open `field:fieldmark`.
#[derive(Debug, Default)]
struct Fieldmark {
    kind: String,
    checked: bool,
    entries: Vec<String>,
    selected: usize,
}

struct Parser {
    b: Builder,
    /// Form controls by id: boxes with their state, text fields with
    /// their value.
    controls: HashMap<String, Control>,
    fieldmarks: Vec<Fieldmark>,
    /// For each open content control: whether it hides its content.
    controls_hiding: Vec<bool>,
    /// Inside `office:text` (content.xml), where the content is.
    in_text: bool,
    /// Reading styles.xml, where only headers and footers are text.
    styles: bool,
    /// Inside this many headers or footers (styles.xml).
    furniture: usize,
    /// Spaces `text:s` may still add.
    spaces: usize,
    /// The paragraph's text so far ends in collapsed white space (or
    /// nothing came yet).
    after_space: bool,
}

fn truthy(v: Option<&str>) -> bool {
    matches!(v, Some("true" | "1" | "checked"))
}

impl Handler for Parser {
    fn start(&mut self, e: &Element, xml: &mut Reader) -> Result<(), Failure> {
        self.element(e, xml)
    }

    fn end(&mut self, ns: Ns, local: &[u8]) {
        self.element_end(ns, local)
    }

    fn text(&mut self, t: &str) {
        if !self.reading() {
            return;
        }
        // ODF collapses white space in text as HTML does (the spaces a
        // document means are `text:s`, its tabs `text:tab`), across the
        // pieces of a paragraph's text too.
        let mut out = String::with_capacity(t.len());
        for c in t.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !self.after_space {
                    out.push(' ');
                }
                self.after_space = true;
            } else {
                out.push(c);
                self.after_space = false;
            }
        }
        self.b.text(&out);
    }
}

impl Parser {
    fn reading(&self) -> bool {
        if self.styles {
            self.furniture > 0
        } else {
            self.in_text
        }
    }

    fn element(&mut self, e: &Element, xml: &mut Reader) -> Result<(), Failure> {
        match (e.ns, e.local.as_slice()) {
            (Ns::Office, b"text") => self.in_text = true,
            (Ns::Office, b"forms") => self.forms(xml)?,
            (Ns::Office, b"annotation") => xml.skip()?,
            (
                Ns::Style,
                b"header" | b"footer" | b"header-left" | b"footer-left" | b"header-first"
                | b"footer-first",
            ) => {
                self.furniture += 1;
                let part = if e.local.starts_with(b"header") {
                    Part::Header
                } else {
                    Part::Footer
                };
                self.b.open(Open::Furniture(part));
            }
            _ if !self.reading() => {}
            (Ns::Text, b"p" | b"h") => {
                self.after_space = true;
                self.b.open(Open::Paragraph)
            }
            (Ns::Text, b"s") => {
                let n: usize = e
                    .attr(Ns::Text, b"c")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1);
                // Spaces may not grow the part past twice its size.
                let n = n.clamp(1, 1000).min(self.spaces.max(1));
                self.spaces = self.spaces.saturating_sub(n);
                self.b.text(&" ".repeat(n));
                self.after_space = false;
            }
            (Ns::Text, b"tab") => self.b.inline(Inline::Tab),
            (Ns::Text, b"line-break") => self.b.inline(Inline::Break),
            // Deleted text, notes, the placeholder text of an empty field;
            // an image's alt text and its bytes.
            (Ns::Text, b"tracked-changes" | b"note" | b"placeholder") => xml.skip()?,
            (Ns::Svg, b"title" | b"desc") | (Ns::Office, b"binary-data") => xml.skip()?,
            (Ns::Table, b"table") => self.b.open(Open::Table),
            (Ns::Table, b"table-row") => self.b.open(Open::Row),
            (Ns::Table, b"table-cell") => {
                let span = e
                    .attr(Ns::Table, b"number-columns-spanned")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                self.b.open_cell(span);
            }
            (Ns::Table, b"covered-table-cell") => {
                self.b.covered_cell();
                xml.skip()?;
            }
            (Ns::Draw, b"text-box") => self.b.open(Open::TextBox),
            (Ns::Draw, b"control") => {
                let id = e.attr(Ns::Draw, b"control").unwrap_or_default();
                match self.controls.get(id) {
                    Some(Control::Box(state)) => self.b.mark(*state, MarkSource::FormControl),
                    Some(Control::Text(value)) => {
                        let value = value.clone();
                        self.b.text(&value);
                    }
                    // A control of a kind not read (a button, a list).
                    Some(Control::Other) => {}
                    // Defined nowhere: something is drawn there, perhaps
                    // a box, whose state is not known.
                    None => self.b.mark(MarkState::Unknown, MarkSource::FormControl),
                }
            }
            (Ns::Field, b"fieldmark" | b"fieldmark-start") => {
                let kind = e.attr(Ns::Field, b"type").unwrap_or_default();
                let kind = kind.rsplit('.').next().unwrap_or_default().to_string();
                self.fieldmarks.push(Fieldmark {
                    kind,
                    ..Fieldmark::default()
                });
            }
            (Ns::Field, b"param") => {
                if let Some(f) = self.fieldmarks.last_mut() {
                    let value = e.attr(Ns::Field, b"value").unwrap_or_default();
                    match e.attr(Ns::Field, b"name").unwrap_or_default() {
                        "Checkbox_Checked" => f.checked = truthy(Some(value)),
                        "Dropdown_ListEntry" => f.entries.push(value.to_string()),
                        "Dropdown_Selected" => f.selected = value.parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            (Ns::LoExt, b"content-control") => self.content_control(e),
            _ => {}
        }
        Ok(())
    }

    /// Word's content controls, as LibreOffice keeps them.
    fn content_control(&mut self, e: &Element) {
        let checkbox = truthy(e.attr(Ns::LoExt, b"checkbox"));
        let placeholder = truthy(e.attr(Ns::LoExt, b"showing-place-holder"));
        if checkbox {
            let state = if truthy(e.attr(Ns::LoExt, b"checked")) {
                MarkState::Checked
            } else {
                MarkState::Unchecked
            };
            self.b.mark(state, MarkSource::ContentControl);
        }
        let hides = checkbox || placeholder;
        if hides {
            self.b.hidden += 1;
        }
        self.controls_hiding.push(hides);
    }

    /// `office:forms`: the form checkboxes and their states, by id.
    fn forms(&mut self, xml: &mut Reader) -> Result<(), Failure> {
        let mut depth = 1;
        while depth > 0 {
            match xml.event()? {
                Ev::Start(e) => {
                    depth += 1;
                    let id = || {
                        e.attr(Ns::Form, b"id")
                            .or_else(|| e.attr(Ns::Other, b"id"))
                            .unwrap_or_default()
                            .to_string()
                    };
                    match (e.ns, e.local.as_slice()) {
                        (Ns::Form, b"checkbox") => {
                            // `form:state` is the state the form starts in;
                            // with no `current-state` the box is unchecked
                            // (its default in ODF, and LibreOffice writes it
                            // only otherwise).
                            let state = match e.attr(Ns::Form, b"current-state") {
                                Some("checked") => MarkState::Checked,
                                Some("unknown") => MarkState::Unknown,
                                _ => MarkState::Unchecked,
                            };
                            self.controls.insert(id(), Control::Box(state));
                        }
                        (Ns::Form, b"radio") => {
                            let on = truthy(e.attr(Ns::Form, b"current-selected"));
                            let state = if on {
                                MarkState::Checked
                            } else {
                                MarkState::Unchecked
                            };
                            self.controls.insert(id(), Control::Box(state));
                        }
                        // A text field shows its value.
                        (Ns::Form, b"text" | b"formatted-text" | b"textarea") => {
                            let value = e
                                .attr(Ns::Form, b"current-value")
                                .or_else(|| e.attr(Ns::Form, b"value"))
                                .unwrap_or_default();
                            self.controls.insert(id(), Control::Text(value.to_string()));
                        }
                        // Buttons, lists...: placed, but not read.
                        (Ns::Form, _) if e.attr(Ns::Form, b"id").is_some() => {
                            self.controls.insert(id(), Control::Other);
                        }
                        _ => {}
                    }
                }
                Ev::End { .. } => depth -= 1,
                Ev::Eof => break,
                Ev::Text(_) => {}
            }
        }
        Ok(())
    }

    fn element_end(&mut self, ns: Ns, local: &[u8]) {
        match (ns, local) {
            (Ns::Office, b"text") if !self.styles => self.in_text = false,
            (
                Ns::Style,
                b"header" | b"footer" | b"header-left" | b"footer-left" | b"header-first"
                | b"footer-first",
            ) => {
                self.furniture = self.furniture.saturating_sub(1);
                self.b
                    .close(Open::Furniture(if local.starts_with(b"header") {
                        Part::Header
                    } else {
                        Part::Footer
                    }));
            }
            (Ns::Text, b"p" | b"h") => self.b.close(Open::Paragraph),
            (Ns::Table, b"table") => self.b.close(Open::Table),
            (Ns::Table, b"table-row") => self.b.close(Open::Row),
            (Ns::Table, b"table-cell") => self.b.close(Open::Cell),
            (Ns::Draw, b"text-box") => self.b.close(Open::TextBox),
            (Ns::Field, b"fieldmark") => self.fieldmark_end(),
            (Ns::Field, b"fieldmark-start") => {
                // The text up to `fieldmark-end` is the field's result.
                let f = self.fieldmarks.pop();
                if let Some(f) = f.filter(|f| f.kind != "FORMTEXT") {
                    self.fieldmarks.push(f);
                    self.fieldmark_end();
                }
            }
            // Only those started while reading were counted.
            (Ns::LoExt, b"content-control")
                if self.reading() && self.controls_hiding.pop() == Some(true) =>
            {
                self.b.hidden = self.b.hidden.saturating_sub(1);
            }
            _ => {}
        }
    }

    /// A point fieldmark ends: a checkbox gives its mark, a drop-down its
    /// entry.
    fn fieldmark_end(&mut self) {
        let Some(f) = self.fieldmarks.pop() else {
            return;
        };
        match f.kind.as_str() {
            "FORMCHECKBOX" => {
                let state = if f.checked {
                    MarkState::Checked
                } else {
                    MarkState::Unchecked
                };
                self.b.mark(state, MarkSource::FormField);
            }
            "FORMDROPDOWN" => {
                if let Some(entry) = f.entries.get(f.selected).or(f.entries.first()) {
                    let entry = entry.clone();
                    self.b.text(&entry);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" xmlns:field="urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0""#;

    fn lines(body: &str) -> String {
        let xml = format!(
            "<office:document-content {NS}><office:body><office:text>{body}</office:text></office:body></office:document-content>"
        );
        let blocks = parse(&xml, "content.xml", Part::Body).unwrap();
        Document::from(blocks).line_view().text
    }

    #[test]
    fn spaces_tabs_and_breaks() {
        let body = r#"<text:p>Colaborador<text:s text:c="2"/>Ana<text:tab/>Data<text:line-break/>20/03</text:p><text:h>Título</text:h>"#;
        assert_eq!(lines(body), "Colaborador  Ana\tData\n20/03\nTítulo\n");
    }

    #[test]
    fn form_controls_fieldmarks_and_content_controls_are_boxes() {
        let body = r#"<office:forms><form:form><form:checkbox form:id="c1" form:current-state="checked"/><form:checkbox form:id="c2" form:state="checked"/></form:form></office:forms><text:p><draw:control draw:control="c1"/> A <draw:control draw:control="c2"/> B <draw:control draw:control="zz"/> C</text:p><text:p><field:fieldmark field:type="vnd.oasis.opendocument.field.FORMCHECKBOX"><field:param field:name="Checkbox_Checked" field:value="true"/></field:fieldmark> D <field:fieldmark field:type="vnd.oasis.opendocument.field.FORMCHECKBOX"/> E</text:p><text:p><loext:content-control loext:checkbox="true" loext:checked="true"><text:span>☐</text:span></loext:content-control> F <loext:content-control loext:checkbox="true"><text:span>☒</text:span></loext:content-control> G</text:p>"#;
        assert_eq!(lines(body), "☒ A ☐ B \u{FFFD} C\n☒ D ☐ E\n☒ F ☐ G\n");
    }

    #[test]
    fn text_fields_radios_alt_text_and_white_space() {
        let body = "<office:forms><form:form><form:text form:id=\"t1\" form:current-value=\"Ana Beatriz\"/><form:radio form:id=\"r1\" form:current-selected=\"true\"/><form:radio form:id=\"r2\"/><form:button form:id=\"b1\"/></form:form></office:forms><text:p>Colaborador <draw:control draw:control=\"t1\"/></text:p><text:p><draw:control draw:control=\"r1\"/> SIM <draw:control draw:control=\"r2\"/> NÃO<draw:control draw:control=\"b1\"/></text:p><text:p>Obs.\n      <draw:frame><svg:title>foto</svg:title><svg:desc>uma foto</svg:desc></draw:frame>  nota</text:p>";
        assert_eq!(
            lines(body),
            "Colaborador Ana Beatriz\n☒ SIM ☐ NÃO\nObs. nota\n"
        );
    }

    #[test]
    fn deleted_text_and_placeholders_are_not_read() {
        let body = r#"<text:tracked-changes><text:changed-region><text:deletion><text:p>Joana</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p>Colaborador <text:change text:change-id="c1"/>Ana</text:p><text:p>Quais? <loext:content-control loext:showing-place-holder="true">Clique aqui</loext:content-control></text:p>"#;
        assert_eq!(lines(body), "Colaborador Ana\nQuais? \n");
    }

    #[test]
    fn spans_and_covered_cells() {
        let body = r#"<table:table><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Colaborador</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Data</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Ana</text:p></table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell><table:table-cell><text:p>20/03/2025</text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(lines(body), "Colaborador\t\tData\nAna\tB\t20/03/2025\n");
    }

    #[test]
    fn a_dropdown_fieldmark_shows_its_selected_entry() {
        let body = r#"<text:p>Tipo <field:fieldmark field:type="vnd.oasis.opendocument.field.FORMDROPDOWN"><field:param field:name="Dropdown_ListEntry" field:value="Consultório"/><field:param field:name="Dropdown_ListEntry" field:value="Clínica"/><field:param field:name="Dropdown_Selected" field:value="1"/></field:fieldmark></text:p>"#;
        assert_eq!(lines(body), "Tipo Clínica\n");
    }
}
