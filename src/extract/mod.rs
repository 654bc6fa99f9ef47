//! Recognition: finding the forms in a document, the labels in each line,
//! and the values, checkbox states, tables and notes that belong to them.
//! The output is raw text per field ([`RawForm`]); typing it is the job of
//! [`crate::normalize`].

mod cells;
pub mod chat;
pub mod fillable;
pub mod marks;
mod scan;

use crate::input::Line;
use crate::template::{FieldId, Template};

pub use marks::{Hit, Mark};

/// What a field held in one form, as written.
#[derive(Debug, Clone)]
pub enum Slot {
    /// A one-line value.
    Text { line: usize, text: String },
    /// Free text over several lines, each with its line number; `(0, "")`
    /// marks a paragraph break.
    Block {
        line: usize,
        lines: Vec<(usize, String)>,
    },
    /// Options of a checkbox group, or the one box of a `box` field.
    Options {
        line: usize,
        hits: Vec<Hit>,
        /// Checked boxes that no option of the group takes: `(line, text)`,
        /// the text also in `unplaced`.
        stray: Vec<(usize, String)>,
    },
    /// Counts per option (`counts` tables): `(option, count as written, line)`.
    Counts {
        line: usize,
        cells: Vec<(usize, String, usize)>,
    },
}

impl RawForm {
    /// Notes that `text` of line `no` was taken (when tracing).
    pub(crate) fn account(&mut self, no: usize, text: &str) {
        if self.trace {
            self.accounted.push((no, text.to_string()));
        }
    }
}

impl Slot {
    /// The line the value starts on.
    pub fn line(&self) -> usize {
        match self {
            Slot::Text { line, .. }
            | Slot::Block { line, .. }
            | Slot::Options { line, .. }
            | Slot::Counts { line, .. } => *line,
        }
    }
}

/// One entry of a repeated block (1º contato, 2º contato...).
#[derive(Debug, Clone)]
pub struct Entry {
    pub list: FieldId,
    pub number: u32,
    pub line: usize,
    /// Indexed by field id; only the list's own fields are filled.
    pub slots: Vec<Option<Slot>>,
    /// The line of each field's label, once it was read.
    pub labels: Vec<Option<usize>>,
}

/// A remark of the extractor about a form, for its issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
    pub line: Option<usize>,
}

/// One form as found in the document, before typing.
#[derive(Debug, Clone)]
pub struct RawForm {
    /// The revision the labels show, when one stands out.
    pub revision: Option<String>,
    /// The title line was found.
    pub titled: bool,
    /// How many labels were recognized.
    pub labels_found: usize,
    /// Indexed by field id (top-level fields only).
    pub slots: Vec<Option<Slot>>,
    /// The line of each top-level field's label, once it was read.
    pub labels: Vec<Option<usize>>,
    pub entries: Vec<Entry>,
    /// Lines (or parts of lines) that belong to no field.
    pub unplaced: Vec<(usize, String)>,
    /// Every piece of text the form's fields (or `unplaced`) took, by line:
    /// labels, values, boxes, notes, printed instructions. Proves that
    /// nothing a line said was dropped; kept only by [`extract_traced`].
    pub accounted: Vec<(usize, String)>,
    pub(crate) trace: bool,
    pub notes: Vec<Note>,
}

/// The keys of the fields whose label stands in `line` (`contatos.data`
/// inside a list), in the line's order.
pub fn label_keys(template: &Template, line: &Line) -> Vec<String> {
    let found = Found::line(template, line);
    let mut keys: Vec<String> = Vec::new();
    for at in &found.labels {
        for &f in &template.labels[at.label].fields {
            let key = template.fields[f].path(template, None);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// What `template` makes of one line of text: its title, a label, or
/// nothing (for telling a page's header from the form's own lines).
pub fn reads(template: &Template, text: &str) -> crate::document::furniture::Reads {
    use crate::document::furniture::Reads;
    let found = Found::line(template, &Line::new(0, text));
    if found.title {
        Reads::Title
    } else if found.labels.is_empty() {
        Reads::Nothing
    } else {
        Reads::Label
    }
}

/// Finds the forms in `lines`: a new form starts at each title line; text
/// before the first title belongs to the first form.
pub fn extract(template: &Template, lines: &[Line]) -> Vec<RawForm> {
    extract_with(template, lines, false)
}

/// [`extract`], keeping in [`RawForm::accounted`] every piece of text each
/// line gave (for tests that prove nothing is dropped).
pub fn extract_traced(template: &Template, lines: &[Line]) -> Vec<RawForm> {
    extract_with(template, lines, true)
}

fn extract_with(template: &Template, lines: &[Line], trace: bool) -> Vec<RawForm> {
    let rewrapped = labels_off_wraps(template, lines);
    let lines = rewrapped.as_deref().unwrap_or(lines);
    let (reshaped, found) = match cells::rows_of_cells(template, lines) {
        Ok(mut r) => {
            let found = r
                .found
                .take()
                .unwrap_or_else(|| Found::search(template, &r.lines));
            (Some(r), found)
        }
        Err(found) => (None, found),
    };
    let lines = reshaped.as_ref().map_or(lines, |r| &r.lines[..]);
    let mut forms = if found.titles.is_empty() {
        vec![scan::scan(template, lines, 0, &found, false, trace)]
    } else {
        let mut bounds = found.titles.clone();
        bounds[0] = 0;
        bounds.push(lines.len());
        bounds
            .windows(2)
            .map(|w| scan::scan(template, &lines[w[0]..w[1]], w[0], &found, true, trace))
            .collect()
    };
    if let Some(r) = &reshaped {
        for f in &mut forms {
            r.renumber(&mut f.unplaced);
            r.renumber(&mut f.accounted);
            if trace {
                // Converter artifacts, like markdown's `**`: not the form's.
                f.accounted.extend(r.repeats.iter().cloned());
            }
        }
    }
    forms
}

/// Where a paragraph wraps (a PDF's line that runs to the margin), a label
/// cut by the wrap ("... 778899 Dt." / "abertura protocolo 19/03/2025")
/// moves down to the line its end is on, and a label that ends the line
/// before its value ("... Nº do protocolo" / "778899 Dt. abertura ...")
/// takes the next line's text up to its first label. Each line keeps its
/// number; `None` when no line changes (text exports never wrap so).
fn labels_off_wraps<'a>(t: &Template, lines: &[Line<'a>]) -> Option<Vec<Line<'a>>> {
    let mut out: Option<Vec<Line<'a>>> = None;
    for i in 0..lines.len().saturating_sub(1) {
        let current = out.as_deref().unwrap_or(lines);
        let (a, b) = (&current[i], &current[i + 1]);
        if !a.wraps || b.is_blank() || marks::content_start(&b.clean).1 {
            continue;
        }
        let head = a.clean.trim_end();
        let joined = format!("{head} {}", b.clean.trim_start());
        let cut = head.len();
        let labels = Found::line(t, &Line::from_clean(0, joined.as_str().into())).labels;
        let moved = if let Some(l) = labels.iter().find(|l| l.start < cut && l.end > cut + 1) {
            (
                joined[..l.start].trim_end().to_string(),
                joined[l.start..].to_string(),
            )
        } else {
            let ends_line = labels.iter().any(|l| l.end == cut);
            match labels.iter().find(|l| l.start > cut) {
                Some(next) if ends_line && next.start > cut + 1 => (
                    joined[..next.start].trim_end().to_string(),
                    joined[next.start..].to_string(),
                ),
                _ => continue,
            }
        };
        let lines = out.get_or_insert_with(|| lines.to_vec());
        for (line, text) in lines[i..i + 2].iter_mut().zip([moved.0, moved.1]) {
            *line = line.rewritten(text.into());
        }
    }
    out
}

/// What one pass of each search over the whole document finds: the labels
/// of every line, the title lines, the revision markers. One pass over the
/// document costs far less than one search per line.
pub(crate) struct Found {
    /// The labels of all lines in order; `first[i]..first[i + 1]` are line
    /// `i`'s.
    labels: Vec<LabelAt>,
    first: Vec<usize>,
    /// Indexes of the title lines.
    pub titles: Vec<usize>,
    /// `(line index, marker id)`.
    markers: Vec<(usize, usize)>,
    /// Each line's lone label (see [`LineFound::lone`]).
    pub(crate) lone: Vec<Option<usize>>,
}

impl Found {
    /// Looks at each line where its text starts: a line is a label line
    /// (the only kind whose labels count) when a label stands there, and only
    /// then is it searched whole. Notes and chat lines cost a few bytes.
    fn search(t: &Template, lines: &[Line]) -> Found {
        let mut labels = Vec::new();
        let mut first = Vec::with_capacity(lines.len() + 1);
        let mut titles = Vec::new();
        let mut markers = Vec::new();
        let mut lone = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            first.push(labels.len());
            SEEN.with_borrow_mut(|seen| {
                let found = seen.get(t.id, &line.clean, || Found::line(t, line));
                if found.title {
                    titles.push(i);
                }
                labels.extend_from_slice(&found.labels);
                markers.extend(found.markers.iter().map(|&id| (i, id)));
                lone.push(found.lone);
            });
        }
        first.push(labels.len());
        Found {
            labels,
            first,
            titles,
            markers,
            lone,
        }
    }

    /// What the searches find in one line.
    fn line(t: &Template, line: &Line) -> LineFound {
        let (start, marked) = marks::content_start(&line.clean);
        let folded = line.folded();
        let text = &folded.text;
        let at = folded.from_clean(start);
        let title = t.title_start.at(text, at).is_some();
        // A label leads its line, or follows an item number ("1 Name") or
        // stands first in a cell (a two-column row, a tab-separated table).
        let labelled = t.label_search.at(text, at).is_some()
            || label_starts(&line.clean, start)
                .any(|s| t.label_search.at(text, folded.from_clean(s)).is_some());
        let labels = if labelled {
            let mut spans: Vec<(usize, usize, usize)> = t
                .label_search
                .find_words(text)
                .into_iter()
                .map(|(label, s, e)| (s, e, label))
                .collect();
            keep_longest_first(&mut spans);
            spans
                .into_iter()
                .map(|(s, e, label)| LabelAt {
                    start: folded.to_clean(s),
                    end: folded.end_to_clean(e),
                    label,
                    number: list_number(t, label, &text[s..e]),
                })
                .collect()
        } else {
            Vec::new()
        };
        let markers = if labelled || marked {
            t.marker_search
                .find_all(text)
                .iter()
                .map(|&(id, _, _)| id)
                .collect()
        } else {
            Vec::new()
        };
        let lone = match labels.as_slice() {
            [l] if l.start == start
                && l.end == line.clean.trim_end().len()
                && !line.clean.contains('\t') =>
            {
                Some(l.label)
            }
            _ => None,
        };
        LineFound {
            title,
            labels,
            markers,
            lone,
        }
    }

    /// How many lines were searched.
    pub(crate) fn lines(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// The labels found in line `i`.
    pub(crate) fn labels(&self, i: usize) -> &[LabelAt] {
        &self.labels[self.first[i]..self.first[i + 1]]
    }

    /// Which revision the labels of lines `from..to` show: the one with
    /// most markers found, or none on a tie or when none is found.
    pub(crate) fn revision(&self, t: &Template, from: usize, to: usize) -> Option<String> {
        let found: foldhash::HashSet<usize> = self
            .markers
            .iter()
            .filter(|(i, _)| (from..to).contains(i))
            .map(|(_, id)| *id)
            .collect();
        let mut scores: Vec<(usize, &str)> = t
            .revisions
            .iter()
            .enumerate()
            .map(|(r, rev)| {
                (
                    found.iter().filter(|&&id| id / 64 == r).count(),
                    rev.name.as_str(),
                )
            })
            .collect();
        scores.sort_by_key(|s| std::cmp::Reverse(s.0));
        match scores.as_slice() {
            [(best, name), rest @ ..] if *best > 0 && rest.first().is_none_or(|r| r.0 < *best) => {
                Some(name.to_string())
            }
            _ => None,
        }
    }
}

/// Where a label may stand in a line besides where its text starts
/// (`start`): after an item number (`1 Name`, `2a.`, `(b)`), and first in
/// each cell after the first (after a tab, or a gap of two spaces or more),
/// past the marks and bullets there.
pub(crate) fn label_starts(clean: &str, start: usize) -> impl Iterator<Item = usize> + '_ {
    let numbered = enumerator_end(clean, start);
    let b = clean.as_bytes();
    // Most lines have one cell: no walk over their bytes.
    let celled = memchr::memchr(b'\t', b).is_some() || memchr::memmem::find(b, b"  ").is_some();
    let to = if celled { b.len() } else { 0 };
    let cells = (start.max(1)..to).filter_map(move |i| {
        let gap = b[i - 1] == b'\t' || (i >= 2 && b[i - 1] == b' ' && b[i - 2] == b' ');
        if !gap || b[i] == b' ' || b[i] == b'\t' {
            return None;
        }
        let at = i + marks::content_start(&clean[i..]).0;
        (at < b.len()).then_some(at)
    });
    numbered.into_iter().chain(cells)
}

/// The end of an item number at `start` and the space after it (`1 `,
/// `12. `, `2a) `, `(b) `), where the text goes on.
pub(crate) fn enumerator_end(clean: &str, start: usize) -> Option<usize> {
    let rest = &clean[start..];
    let b = rest.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'(') {
        i = 1;
        let n = b[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if !(1..=2).contains(&n) || b.get(1 + n) != Some(&b')') {
            return None;
        }
        i += n + 1;
    } else {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        i += digits;
        if b.get(i).is_some_and(|c| c.is_ascii_lowercase()) {
            i += 1;
        }
        if matches!(b.get(i), Some(b'.' | b')')) {
            i += 1;
        }
    }
    let spaces = b[i..].iter().take_while(|c| **c == b' ').count();
    let next = b.get(i + spaces)?;
    (spaces > 0 && (next.is_ascii_alphabetic() || *next >= 0x80)).then_some(start + i + spaces)
}

/// A label found in a line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LabelAt {
    /// Where it stands in the clean line.
    pub start: usize,
    pub end: usize,
    /// Index in [`Template::labels`].
    pub label: usize,
    /// For the label of a list entry (`2º contato`), the number it prints.
    pub number: Option<u32>,
}

/// The number a list entry's label prints (`2º contato`: 2), for labels of
/// lists.
fn list_number(t: &Template, label: usize, text: &str) -> Option<u32> {
    let label = &t.labels[label];
    if !label
        .fields
        .iter()
        .any(|&f| t.fields[f].kind == crate::template::Kind::List)
    {
        return None;
    }
    label
        .regex
        .regex()
        .captures(text)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// What the searches found in one line of text.
struct LineFound {
    title: bool,
    /// The labels that count, in order, where they stand in the clean line.
    labels: Vec<LabelAt>,
    /// Revision markers.
    markers: Vec<usize>,
    /// The one label of the line when the line is that label and nothing
    /// else (a cell a converter wrote on a line of its own).
    lone: Option<usize>,
}

thread_local! {
    /// What the searches found in lines read lately (see [`crate::memo`]).
    static SEEN: std::cell::RefCell<crate::memo::Memo<u64, LineFound>> =
        const { std::cell::RefCell::new(crate::memo::Memo::new()) };
}

/// A match is a label only on word boundaries.
pub(crate) fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let left = !(first.is_some_and(word) && before.is_some_and(word));
    let right = !(last.is_some_and(word) && after.is_some_and(word));
    left && right
}

/// Sorts `(start, end, x)` spans and drops those that overlap an earlier
/// one; of two starting together the longer stays.
pub(crate) fn keep_longest_first<T: Copy>(spans: &mut Vec<(usize, usize, T)>) {
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut end = 0;
    spans.retain(|s| {
        let keep = s.0 >= end;
        if keep {
            end = s.1;
        }
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::lines::split_lines;

    fn labels_of(t: &Template, text: &str) -> Vec<Vec<usize>> {
        let lines = split_lines(text);
        let found = Found::search(t, &lines);
        (0..lines.len())
            .map(|i| found.labels(i).iter().map(|l| l.label).collect())
            .collect()
    }

    #[test]
    fn lines_seen_before_are_read_by_their_own_template() {
        let retention = Template::default_template();
        let ficha = Template::load("ficha-cadastro").unwrap();
        let text = "Colaborador Maria Data 13/02/2025\nCPF: 529.982.247-25\n";
        let first = labels_of(&retention, text);
        assert_eq!(first[0].len(), 2);
        // The same lines, kept from the first search, for another template
        // and again for the first: each gets its own labels.
        let other = labels_of(&ficha, text);
        assert_ne!(first, other);
        assert_eq!(labels_of(&retention, text), first);
        // A template loaded anew is another template, with the same labels.
        assert_eq!(labels_of(&Template::default_template(), text), first);
        // Lines too long to keep are searched every time.
        let long = format!("Colaborador {} Data 13/02/2025\n", "Maria ".repeat(60));
        assert_eq!(labels_of(&retention, &long), [first[0].clone()]);
        assert_eq!(labels_of(&retention, &long), [first[0].clone()]);
    }
}
