//! Fillable forms (AcroForm): no text extractor shows a field's value or a
//! checkbox's state, so they are read from the form's fields: `/T` names,
//! `/V` values, `/AS` appearance states (anything but `/Off` is checked),
//! `/FT` inherited from a parent field. Each widget becomes a glyph run
//! placed where the widget is drawn, so the nearest label text on the page
//! pairs it with the template; a widget on no page is written by its name.

use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::layout::Glyph;

/// One field widget as text.
#[derive(Debug, Clone)]
pub struct Widget {
    /// 1-based page; 0 when the widget is on no page.
    pub page: usize,
    pub glyph: Glyph,
    /// `label value` from the field's name, for widgets on no page.
    pub by_name: String,
}

/// The widgets of the document's AcroForm.
pub fn widgets(doc: &Document) -> Vec<Widget> {
    let Some(fields) = acroform_fields(doc) else {
        return Vec::new();
    };
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in fields {
        walk(doc, f, None, String::new(), &pages, &mut out, &mut seen, 0);
    }
    out
}

fn acroform_fields(doc: &Document) -> Option<Vec<Object>> {
    let catalog = doc.catalog().ok()?;
    let form = deref(doc, catalog.get(b"AcroForm").ok()?)?
        .as_dict()
        .ok()?
        .clone();
    let fields = deref(doc, form.get(b"Fields").ok()?)?
        .as_array()
        .ok()?
        .clone();
    Some(fields)
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Document,
    node: Object,
    inherited_ft: Option<Vec<u8>>,
    parent_name: String,
    pages: &[ObjectId],
    out: &mut Vec<Widget>,
    seen: &mut std::collections::HashSet<ObjectId>,
    depth: usize,
) {
    if depth > 32 {
        return; // a /Kids cycle
    }
    if let Object::Reference(id) = node {
        if !seen.insert(id) {
            return;
        }
    }
    let Some(dict) = deref(doc, &node).and_then(|o| o.as_dict().ok()).cloned() else {
        return;
    };
    let ft = dict
        .get(b"FT")
        .ok()
        .and_then(|o| o.as_name().ok())
        .map(<[u8]>::to_vec)
        .or(inherited_ft);
    let part = dict
        .get(b"T")
        .ok()
        .map(|t| text_string(doc, t))
        .unwrap_or_default();
    let name = match (parent_name.is_empty(), part.is_empty()) {
        (_, true) => parent_name.clone(),
        (true, false) => part,
        (false, false) => format!("{parent_name}.{part}"),
    };
    if let Ok(Object::Array(kids)) = dict
        .get(b"Kids")
        .map(|k| deref(doc, k).cloned().unwrap_or(Object::Null))
    {
        for kid in kids {
            walk(
                doc,
                kid,
                ft.clone(),
                name.clone(),
                pages,
                out,
                seen,
                depth + 1,
            );
        }
        if dict.get(b"Rect").is_err() {
            return;
        }
    }
    if let Some(w) = widget(doc, &dict, ft.as_deref(), &name, pages) {
        out.push(w);
    }
}

fn widget(
    doc: &Document,
    dict: &Dictionary,
    ft: Option<&[u8]>,
    name: &str,
    pages: &[ObjectId],
) -> Option<Widget> {
    let text = match ft? {
        b"Btn" => {
            let state = dict
                .get(b"AS")
                .or_else(|_| dict.get(b"V"))
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_name().ok());
            match state {
                Some(b"Off") | None => "☐".to_string(),
                Some(_) => "☒".to_string(),
            }
        }
        b"Tx" | b"Ch" => {
            let v = dict
                .get(b"V")
                .ok()
                .map(|v| text_string(doc, v))
                .unwrap_or_default();
            if v.trim().is_empty() {
                return None;
            }
            v
        }
        _ => return None,
    };
    let rect: Vec<f64> = dict
        .get(b"Rect")
        .ok()
        .and_then(|r| deref(doc, r))
        .and_then(|r| r.as_array().ok())
        .map(|a| a.iter().filter_map(number).collect())
        .unwrap_or_default();
    let page = dict
        .get(b"P")
        .ok()
        .and_then(|p| p.as_reference().ok())
        .and_then(|id| pages.iter().position(|p| *p == id))
        .map_or(0, |i| i + 1);
    let height = page_height(doc, pages, page);
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
    if rect.len() != 4 || page == 0 {
        return Some(Widget {
            page: 0,
            glyph: glyph(0.0, 0.0, 10.0, &text),
            by_name,
        });
    }
    let (x0, y0, y1) = (
        rect[0].min(rect[2]),
        rect[1].min(rect[3]),
        rect[1].max(rect[3]),
    );
    let size = ((y1 - y0) * 0.7).clamp(6.0, 14.0);
    // The baseline of the label beside the widget is near the box's bottom.
    let y = height - (y0 + (y1 - y0) * 0.25);
    Some(Widget {
        page,
        glyph: glyph(x0 + 1.0, y, size, &text),
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

fn page_height(doc: &Document, pages: &[ObjectId], page: usize) -> f64 {
    page.checked_sub(1)
        .and_then(|i| pages.get(i))
        .and_then(|id| doc.get_dictionary(*id).ok())
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|m| deref(doc, m))
        .and_then(|m| m.as_array().ok())
        .map(|a| a.iter().filter_map(number).collect::<Vec<_>>())
        .filter(|v| v.len() == 4)
        .map_or(792.0, |v| (v[3] - v[1]).abs())
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with its BOM, or PDFDocEncoding (read as
/// Latin-1, which it matches for letters).
fn text_string(doc: &Document, o: &Object) -> String {
    let Some(Object::String(bytes, _)) = deref(doc, o) else {
        return String::new();
    };
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
