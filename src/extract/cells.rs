//! Tables that converters write a cell per line (LibreOffice's text
//! export, docx2txt, docx2python): the labels of a row, one a line, then
//! its values, one a line (an empty cell an empty line). The template's
//! rows tell such a run of labels from labels that merely follow each
//! other: they must all be able to stand in one row. Each run becomes the
//! tab-separated pair of lines recognition reads for a table, the lines
//! keeping the numbers of the file.
//!
//! docx2txt and docx2python also write a blank line after every paragraph
//! and cell; such a text is read with one blank line fewer after each
//! line of text, which gives the shape above (and the paragraphs of the
//! inline layout back).

use std::borrow::Cow;

use super::{marks, Found};
use crate::input::Line;
use crate::template::Template;

/// The lines of a text whose cells a converter wrote one a line, made into
/// rows. `Err` holds the search of the lines when they stay as they are
/// (most texts: nothing is copied), for recognition to use.
pub(crate) fn rows_of_cells<'a>(t: &Template, lines: &[Line<'a>]) -> Result<Reshaped<'a>, Found> {
    let mut repeats = Vec::new();
    let undoubled = undouble(lines, &mut repeats);
    let lines = undoubled.as_deref().unwrap_or(lines);
    let found = Found::search(t, lines);
    // Most texts have no label alone on a line followed by another.
    let pair = found
        .lone
        .windows(2)
        .any(|w| w[0].is_some() && w[1].is_some());
    if undoubled.is_none() && !pair {
        return Err(found);
    }
    let lone = &found.lone;
    let mut out: Vec<Line<'a>> = Vec::new();
    let mut joins = Vec::new();
    let mut changed = false;
    let mut i = 0;
    while i < lines.len() {
        if let Some((k, start)) = row_at(t, lines, &found, lone, i) {
            // Labels before the row stay lines of their own.
            out.extend(lines[i..start].iter().cloned());
            let labels = &lines[start..start + k];
            let values = &lines[start + k..start + 2 * k];
            out.push(joined(labels));
            joins.push(cells_of(labels));
            // A value that repeats its label is the label's merged cell.
            let mut cells: Vec<Line<'a>> = values.to_vec();
            for (c, l) in cells.iter_mut().zip(labels) {
                if c.clean.trim() == l.clean.trim() {
                    repeats.push((c.no, c.clean.trim().to_string()));
                    *c = Line::from_clean(c.no, Cow::Borrowed(""));
                }
            }
            out.push(joined(&cells));
            joins.push(cells_of(&cells));
            changed = true;
            i = start + 2 * k;
            continue;
        }
        out.push(lines[i].clone());
        i += 1;
    }
    if changed {
        Ok(Reshaped {
            lines: out,
            joins,
            repeats,
            found: None,
        })
    } else {
        match undoubled {
            Some(lines) => Ok(Reshaped {
                lines,
                joins: Vec::new(),
                repeats,
                found: Some(found),
            }),
            None => Err(found),
        }
    }
}

/// Lines made into rows, and the cells each row was joined from.
pub(crate) struct Reshaped<'a> {
    pub lines: Vec<Line<'a>>,
    /// For each joined line, its cells: `(line number, text)`.
    joins: Vec<Vec<(usize, String)>>,
    /// The copies of merged cells left out: `(line number, text)`.
    pub repeats: Vec<(usize, String)>,
    /// The search of `lines`, when no row was joined (made already).
    pub found: Option<Found>,
}

impl Reshaped<'_> {
    /// Gives each piece of text taken from a joined line the number of
    /// the line its cell came from (a piece of several cells is cut at
    /// their tabs), so what a record says of a cell points at its line.
    pub(crate) fn renumber(&self, pieces: &mut Vec<(usize, String)>) {
        if self.joins.is_empty() {
            return;
        }
        let mut out = Vec::with_capacity(pieces.len());
        for (no, piece) in pieces.drain(..) {
            let Some(cells) = self.joins.iter().find(|c| c[0].0 == no) else {
                out.push((no, piece));
                continue;
            };
            for part in piece.split('\t') {
                let part = part.trim();
                let from = cells
                    .iter()
                    .find(|(_, text)| text == part)
                    .or_else(|| {
                        cells
                            .iter()
                            .find(|(_, text)| !part.is_empty() && text.contains(part))
                    })
                    .map_or(no, |c| c.0);
                if !part.is_empty() || !piece.contains('\t') {
                    out.push((from, part.to_string()));
                }
            }
        }
        *pieces = out;
    }
}

/// Each cell's line number and text.
fn cells_of(cells: &[Line]) -> Vec<(usize, String)> {
    cells
        .iter()
        .map(|l| (l.no, l.clean.trim().to_string()))
        .collect()
}

/// The cells' lines as one line of tab-separated cells, numbered as the
/// first.
fn joined<'a>(cells: &[Line<'a>]) -> Line<'a> {
    let text: Vec<&str> = cells.iter().map(|l| l.clean.trim()).collect();
    let mut line = Line::from_clean(cells[0].no, Cow::Owned(text.join("\t")));
    line.page = cells[0].page;
    line
}

/// A row of `k` labels starting at `start` (at or after `i`, within the run
/// of lone labels that starts at `i`), followed by its `k` values and a
/// blank line, a line that starts with a label, or the end.
fn row_at(
    t: &Template,
    lines: &[Line],
    found: &Found,
    lone: &[Option<usize>],
    i: usize,
) -> Option<(usize, usize)> {
    lone[i]?;
    if i > 0 && lone[i - 1].is_some() {
        return None; // not the start of a run
    }
    let run = lone[i..].iter().take_while(|l| l.is_some()).count();
    if run < 2 {
        return None;
    }
    // The longest row the run ends with.
    for k in (2..=run).rev() {
        let start = i + run - k;
        let labels: Vec<usize> = lone[start..start + k]
            .iter()
            .map(|l| l.expect("in the run"))
            .collect();
        if !one_row(t, &labels) || (1..k).any(|a| labels[..a].contains(&labels[a])) {
            continue;
        }
        let end = start + 2 * k;
        // The row ends the table, or the next row's labels follow.
        let ends = |l: &Line| {
            l.is_blank()
                || found
                    .labels(end)
                    .first()
                    .is_some_and(|a| a.start <= marks::content_start(&l.clean).0)
        };
        if end > lines.len() || lines.get(end).is_some_and(|l| !ends(l)) {
            continue;
        }
        // Values are text, not labels of their own; a cell merged with
        // the label above it repeats the label (docx2python).
        // A value may be another row's label ("Operadora" demanded it);
        // not one of this row's, and not most of them.
        let rows = common_rows(t, &labels);
        let mut labelled = 0;
        let values_free = (start + k..end).all(|v| {
            let at = marks::content_start(&lines[v].clean).0;
            match found.labels(v).first().filter(|l| l.start <= at) {
                None => true,
                Some(_) if lines[v].clean.trim() == lines[v - k].clean.trim() => true,
                Some(l) => {
                    labelled += 1;
                    let of_row = t.labels[l.label]
                        .fields
                        .iter()
                        .any(|&f| rows.contains(&t.fields[f].row));
                    !of_row
                }
            }
        }) && labelled * 2 < k;
        if values_free && (start + k..end).any(|v| !lines[v].is_blank()) {
            return Some((k, start));
        }
    }
    None
}

/// Whether these labels can all stand in one row of the template.
fn one_row(t: &Template, labels: &[usize]) -> bool {
    !common_rows(t, labels).is_empty()
}

/// The rows all these labels can stand in, as fields that are not blocks
/// (a block's label heads lines of text: "Obs.:" then "Ação Retenção" is
/// no row).
fn common_rows(t: &Template, labels: &[usize]) -> Vec<usize> {
    let field_in = |l: usize, r: usize| {
        t.labels[l]
            .fields
            .iter()
            .copied()
            .find(|&f| t.fields[f].row == r && !t.fields[f].block)
    };
    let mut common: Vec<usize> = t.labels[labels[0]]
        .fields
        .iter()
        .map(|&f| t.fields[f].row)
        .collect();
    common.retain(|&r| labels.iter().all(|&l| field_in(l, r).is_some()));
    common
}

/// The lines without the blank line a converter wrote after each line of
/// text, when it did so after nearly all of them but table rows (docx2txt,
/// docx2python; markdown writers between paragraphs); `None` otherwise.
/// docx2python also writes a merged cell's text once for each column it
/// spans: a line that repeats the line before it is left out (in
/// `repeats`).
fn undouble<'a>(lines: &[Line<'a>], repeats: &mut Vec<(usize, String)>) -> Option<Vec<Line<'a>>> {
    let (mut text, mut followed) = (0, 0);
    for w in lines.windows(2) {
        // The rows of a table (tab-separated) follow each other.
        if !w[0].is_blank() && !w[0].clean.contains('\t') {
            text += 1;
            if w[1].is_blank() {
                followed += 1;
            } else if (text - followed) * 10 > lines.len() {
                // More lines not followed by a blank than the rule allows
                // in the whole text: most texts are told in a few lines.
                return None;
            }
        }
    }
    if text < 10 || followed * 10 < text * 9 {
        return None;
    }
    // After a line of text, its separator; then each empty cell or
    // paragraph is a blank line and its own separator.
    let mut out: Vec<Line<'a>> = Vec::with_capacity(lines.len() / 2 + 1);
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if l.is_blank() {
            let n = lines[i..].iter().take_while(|l| l.is_blank()).count();
            let keep = if out.is_empty() { n } else { (n - 1) / 2 };
            out.extend(lines[i..i + keep].iter().cloned());
            i += n;
            continue;
        }
        if out
            .last()
            .is_some_and(|p: &Line| p.clean.trim() == l.clean.trim())
        {
            repeats.push((l.no, l.clean.trim().to_string()));
        } else {
            out.push(l.clone());
        }
        i += 1;
    }
    Some(out)
}
