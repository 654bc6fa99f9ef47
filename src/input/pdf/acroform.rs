//! Fillable forms (AcroForm): no text extractor shows a field's value or a
//! checkbox's state, so they are read from the form's fields: `/T` names,
//! `/V` values, `/AS` appearance states (anything but `/Off` is checked),
//! `/FT` inherited from a parent field. Each widget becomes a glyph run
//! placed where the widget is drawn, so the nearest label text on the page
//! pairs it with the template; a widget on no page is written by its name.

use hayro_interpret::kurbo::{Affine, Point};
use hayro_interpret::TransformExt;
use hayro_syntax::object::{Array, Dict, Name, ObjectIdentifier, Rect};
use hayro_syntax::Pdf;

use super::layout::{Area, Glyph};

/// One field widget as text.
#[derive(Debug, Clone)]
pub struct Widget {
    /// 1-based page; 0 when the widget is on no page.
    pub page: usize,
    pub glyph: Glyph,
    /// Where the widget is drawn on its page, as the page's text is laid
    /// out (its appearance there would say the value again).
    pub area: Option<Area>,
    /// `label value` from the field's name, for widgets on no page.
    pub by_name: String,
}

/// One field of a fillable form by its full name (`Vendor.Name.First`),
/// for templates that name their fields (`pdf_field`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormField {
    pub name: String,
    pub value: FieldValue,
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldValue {
    /// A text field's value, a list or combo box's choice (choices of a
    /// multiple-selection list joined by `; `); empty when not filled.
    Text(String),
    /// A checkbox: checked whatever its on-state is named.
    Checked(bool),
    /// A radio group: the export value of the chosen button, if any.
    Radio(Option<String>),
}

/// The catalog's `/AcroForm /Fields`: the form's top-level fields.
fn top_fields(pdf: &Pdf) -> Option<Array<'_>> {
    let xref = pdf.xref();
    xref.get::<Dict<'_>>(xref.root_id())
        .and_then(|catalog| catalog.get::<Dict<'_>>(b"AcroForm"))
        .and_then(|form| form.get::<Array<'_>>(b"Fields"))
}

/// The terminal fields of the document's AcroForm, in the form's order:
/// text, choice, checkbox and radio fields (push buttons are no values).
pub fn form_fields(pdf: &Pdf) -> Vec<FormField> {
    let fields = top_fields(pdf);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in fields.iter().flat_map(|a| a.iter::<Dict<'_>>()) {
        collect(&f, &Inherited::default(), &mut out, &mut seen, 0);
    }
    out
}

fn collect(
    dict: &Dict<'_>,
    parent: &Inherited,
    out: &mut Vec<FormField>,
    seen: &mut std::collections::HashSet<ObjectIdentifier>,
    depth: usize,
) {
    let Some(field) = enter(dict, parent, seen, depth) else {
        return;
    };
    let kids: Vec<Dict<'_>> = dict
        .get::<Array<'_>>(b"Kids")
        .map(|k| k.iter::<Dict<'_>>().collect())
        .unwrap_or_default();
    // Kids with names of their own are fields; kids without are the
    // widgets of this one.
    if kids.iter().any(|k| k.contains_key(b"T")) {
        for kid in &kids {
            collect(kid, &field, out, seen, depth + 1);
        }
        return;
    }
    let Inherited { ft, ff, name } = field;
    if name.is_empty() {
        return;
    }
    let flags = ff.unwrap_or(0);
    let value = match ft.as_deref() {
        Some(b"Btn") if flags & (1 << 16) != 0 => return, // a push button
        Some(b"Btn") => {
            // The field's /V, else the state its widgets show.
            let shown = std::iter::once(dict)
                .chain(kids.iter())
                .filter_map(|d| d.get::<Name<'_>>(b"AS").map(|n| n.to_vec()))
                .find(|s| s.as_slice() != b"Off");
            let state = dict
                .get::<Name<'_>>(b"V")
                .map(|n| n.to_vec())
                .or(shown)
                .filter(|s| s.as_slice() != b"Off");
            if flags & (1 << 15) != 0 {
                // Buttons whose states are indexes into the field's `/Opt`
                // (as pdf-lib writes them) export that option's text.
                let opts = dict.get::<Array<'_>>(b"Opt");
                let export = |s: Vec<u8>| {
                    let named = std::str::from_utf8(&s)
                        .ok()
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|i| {
                            opts.as_ref()?
                                .iter::<hayro_syntax::object::String<'_>>()
                                .nth(i)
                        })
                        .map(|o| decode_text(o.as_bytes()));
                    named.unwrap_or_else(|| String::from_utf8_lossy(&s).into_owned())
                };
                FieldValue::Radio(state.map(export))
            } else {
                FieldValue::Checked(state.is_some())
            }
        }
        Some(b"Tx") => FieldValue::Text(text_string(dict, b"V")),
        Some(b"Ch") => {
            let chosen = match dict.get::<Array<'_>>(b"V") {
                Some(many) => many
                    .iter::<hayro_syntax::object::String<'_>>()
                    .map(|s| decode_text(s.as_bytes()))
                    .collect::<Vec<_>>()
                    .join("; "),
                None => text_string(dict, b"V"),
            };
            FieldValue::Text(chosen)
        }
        _ => return,
    };
    out.push(FormField { name, value });
}

/// A page as widgets need it: its object, and how its user space maps to
/// the laid-out page (top left origin, rotation applied).
struct PageSpace {
    id: Option<ObjectIdentifier>,
    to_layout: Affine,
}

/// The widgets of the document's AcroForm.
pub fn widgets(pdf: &Pdf) -> Vec<Widget> {
    let fields = top_fields(pdf);
    let Some(fields) = fields else {
        return Vec::new();
    };
    let pages: Vec<PageSpace> = pdf
        .pages()
        .iter()
        .map(|p| PageSpace {
            id: p.raw().obj_id(),
            to_layout: p.initial_transform(true).to_kurbo(),
        })
        .collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in fields.iter::<Dict<'_>>() {
        walk(&f, &Inherited::default(), &pages, &mut out, &mut seen, 0);
    }
    out
}

/// What a field passes down to its kids: its type, its flags, its full
/// name (a kid without a `/FT` or `/Ff` of its own has its parent's).
#[derive(Debug, Clone, Default)]
struct Inherited {
    ft: Option<Vec<u8>>,
    ff: Option<u32>,
    name: String,
}

/// A field reached for the first time (a /Kids cycle, or a field listed
/// twice, is walked once): its type and flags, its own or inherited, and
/// its full name (`Vendor.Name.First`).
fn enter(
    dict: &Dict<'_>,
    parent: &Inherited,
    seen: &mut std::collections::HashSet<ObjectIdentifier>,
    depth: usize,
) -> Option<Inherited> {
    if depth > 32 {
        return None; // a /Kids cycle
    }
    if let Some(id) = dict.obj_id() {
        if !seen.insert(id) {
            return None;
        }
    }
    let ft = dict
        .get::<Name<'_>>(b"FT")
        .map(|n| n.to_vec())
        .or_else(|| parent.ft.clone());
    let ff = dict.get::<u32>(b"Ff").or(parent.ff);
    let part = text_string(dict, b"T");
    let parent_name = parent.name.as_str();
    let name = match (parent_name.is_empty(), part.is_empty()) {
        (_, true) => parent_name.to_string(),
        (true, false) => part,
        (false, false) => format!("{parent_name}.{part}"),
    };
    Some(Inherited { ft, ff, name })
}

fn walk(
    dict: &Dict<'_>,
    parent: &Inherited,
    pages: &[PageSpace],
    out: &mut Vec<Widget>,
    seen: &mut std::collections::HashSet<ObjectIdentifier>,
    depth: usize,
) {
    let Some(field) = enter(dict, parent, seen, depth) else {
        return;
    };
    if let Some(kids) = dict.get::<Array<'_>>(b"Kids") {
        for kid in kids.iter::<Dict<'_>>() {
            walk(&kid, &field, pages, out, seen, depth + 1);
        }
        if !dict.contains_key(b"Rect") {
            return;
        }
    }
    if let Some(w) = widget(dict, field.ft.as_deref(), field.ff, &field.name, pages) {
        out.push(w);
    }
}

fn widget(
    dict: &Dict<'_>,
    ft: Option<&[u8]>,
    ff: Option<u32>,
    name: &str,
    pages: &[PageSpace],
) -> Option<Widget> {
    // A push button (flag bit 17) is no box: its caption (`/MK /CA`) is
    // its text, where it has one.
    let push_button = ff.is_some_and(|f| f & (1 << 16) != 0);
    let text = match ft? {
        b"Btn" if push_button => {
            let caption = dict
                .get::<Dict<'_>>(b"MK")
                .map(|mk| text_string(&mk, b"CA"))
                .unwrap_or_default();
            if caption.trim().is_empty() {
                return None;
            }
            caption
        }
        b"Btn" => {
            let state = dict
                .get::<Name<'_>>(b"AS")
                .or_else(|| dict.get::<Name<'_>>(b"V"));
            match state.as_deref() {
                Some(b"Off") | None => "☐".to_string(),
                Some(_) => "☒".to_string(),
            }
        }
        b"Tx" | b"Ch" => {
            let v = text_string(dict, b"V");
            if v.trim().is_empty() {
                return None;
            }
            v
        }
        _ => return None,
    };
    let page = dict
        .get_ref(b"P")
        .map(ObjectIdentifier::from)
        .and_then(|id| pages.iter().position(|p| p.id == Some(id)))
        .map_or(0, |i| i + 1);
    // "f0_Colaborador" is the field Colaborador; "cb_Status retenção_Desligamento"
    // is the box Desligamento of the group Status retenção.
    let label = name.split_once('_').map_or(name, |(_, rest)| rest);
    let by_name = match (ft, label.rsplit_once('_')) {
        (Some(b"Btn"), Some((group, option))) => {
            format!("{} {text} {option}", group.replace('_', " "))
        }
        (Some(b"Btn"), None) => format!("{text} {label}"),
        _ => format!("{} {text}", label.replace('_', " ")),
    };
    let rect = dict.get::<Rect>(b"Rect");
    let (Some(rect), Some(space)) = (rect, page.checked_sub(1).and_then(|i| pages.get(i))) else {
        return Some(Widget {
            page: 0,
            glyph: glyph(0.0, 0.0, 10.0, &text),
            area: None,
            by_name,
        });
    };
    let corners =
        [(rect.x0, rect.y0), (rect.x1, rect.y1)].map(|(x, y)| space.to_layout * Point::new(x, y));
    let area = Area {
        x0: corners[0].x.min(corners[1].x),
        y0: corners[0].y.min(corners[1].y),
        x1: corners[0].x.max(corners[1].x),
        y1: corners[0].y.max(corners[1].y),
    };
    let height = area.y1 - area.y0;
    let size = (height * 0.7).clamp(6.0, 14.0);
    // The baseline of the label beside the widget is near the box's bottom.
    let y = area.y1 - height * 0.25;
    Some(Widget {
        page,
        glyph: glyph(area.x0 + 1.0, y, size, &text),
        area: Some(area),
        by_name,
    })
}

fn glyph(x: f64, y: f64, size: f64, text: &str) -> Glyph {
    Glyph {
        x,
        y,
        width: text.chars().count() as f64 * size * 0.5,
        size,
        text: text.to_string(),
    }
}

/// A PDF text string: UTF-16BE with its BOM, or PDFDocEncoding (read as
/// Latin-1, which it matches for letters).
fn text_string(dict: &Dict<'_>, key: &[u8]) -> String {
    let Some(s) = dict.get::<hayro_syntax::object::String<'_>>(key) else {
        return String::new();
    };
    decode_text(s.as_bytes())
}

/// The bytes of a PDF text string as text.
fn decode_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}
