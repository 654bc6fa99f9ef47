//! Reading one form line by line.
//!
//! A line that begins with a label is a *label line*: each label takes the
//! text up to the next label (inline layout). Labels with nothing after them
//! take the cells of the next line (table layout), checkbox groups take the
//! option lines that follow, blocks take the text that follows. A label
//! printed by several fields ("UF", "Data", "Obs.") goes to the field of the
//! row it stands in: the row of the labels beside it, or of the line before,
//! or (first on its line, and no field of the line before's row) of the
//! label that leads the next line. The head of a list entry alone on its
//! line opens the entry for the lines below.
//! A label already used in its row is text, not a label, and so is a label
//! outside its field's pages or part of the form (`pages`, `after`,
//! `before`). A label leads a row where its line's text starts, after an
//! item number, or first in a cell. A group reads its boxes until the next
//! label, past lines of other text. A field whose value stands above or
//! below its label (`position`) has it taken from that line's cell before
//! the line is read. Whatever no field takes is kept in `unplaced` with its
//! line number.

// Small sets of field ids: foldhash, not SipHash (a few are made per line).
use foldhash::HashSet;

use super::marks;
use super::{Entry, LabelAt, Note, RawForm, Slot};
use crate::input::Line;
use crate::template::{FieldId, Kind, Position, Template};

/// What a label in a line stands for once resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A field; `entry` is set for the fields of a list entry.
    Field {
        field: FieldId,
        entry: Option<usize>,
    },
    /// The head of a list entry ("2º contato"), and the entry once opened.
    Head {
        list: FieldId,
        number: u32,
        entry: Option<usize>,
    },
}

/// A resolved label: its target and clean byte span.
#[derive(Debug, Clone, Copy)]
struct Tok {
    target: Target,
    start: usize,
    end: usize,
}

/// Where a container of slots lives: the form, or an entry of a list.
type Place = (FieldId, Option<usize>);

#[derive(Debug)]
enum Pending {
    None,
    /// Labels with empty values: the next line may hold their cells.
    Cells(Vec<Tok>),
    /// A checkbox group reading its option lines.
    Group(Place),
    /// A counts table reading its rows.
    Counts(FieldId, bool),
    /// A block reading its text; lines after a blank line wait in
    /// `tentative` until a later label shows they were inside the form.
    Block {
        place: Place,
        gap: bool,
        tentative: Vec<(usize, String)>,
        /// The last line wrapped: the next goes on the same line.
        wrap: bool,
    },
}

struct Scanner<'t> {
    t: &'t Template,
    found: &'t super::Found,
    form: RawForm,
    /// The row (and list entry) of the last label line.
    ctx: Option<(usize, Option<usize>)>,
    pending: Pending,
    /// The end of a wrapped option line, to read with the next line.
    carry: Option<(usize, String)>,
    /// `(list, number)` of the entries opened so far.
    entry_keys: HashSet<(FieldId, u32)>,
    /// Scratch: fields whose label a line being resolved already used.
    line_taken: Vec<bool>,
    /// The pending group has passed a line that was none of its own.
    group_gap: bool,
    /// The page of the line being read (0: not known).
    page: u32,
    /// The index of the first line of each of the template's headings, or
    /// `usize::MAX` (for fields scoped by `after`/`before`).
    heading_at: Vec<usize>,
}

/// A value that stands away from its label (`position`): the field, and
/// its cell in the line it stands on.
#[derive(Debug, Clone, Copy)]
struct Claim {
    field: FieldId,
    cell: CellAt,
}

#[derive(Debug, Clone, Copy)]
enum CellAt {
    /// The n-th tab-separated cell.
    Index(usize),
    /// The cell over these character columns.
    Columns(usize, usize),
}

/// Reads the lines of one form.
pub(super) fn scan(
    t: &Template,
    lines: &[Line],
    base: usize,
    found: &super::Found,
    titled: bool,
    trace: bool,
) -> RawForm {
    let mut s = Scanner {
        t,
        found,
        form: RawForm {
            revision: found.revision(t, base, base + lines.len()),
            titled,
            labels_found: 0,
            slots: vec![None; t.fields.len()],
            labels: vec![None; t.fields.len()],
            entries: Vec::new(),
            unplaced: Vec::new(),
            accounted: Vec::new(),
            trace,
            notes: Vec::new(),
        },
        ctx: None,
        pending: Pending::None,
        carry: None,
        entry_keys: HashSet::default(),
        line_taken: vec![false; t.fields.len()],
        group_gap: false,
        page: 0,
        heading_at: t
            .headings
            .iter()
            .map(|re| {
                let at = lines.iter().position(|l| re.is_match(&l.folded().text));
                at.map_or(usize::MAX, |i| base + i)
            })
            .collect(),
    };
    let claims = s.claims(lines, base);
    let mut title_seen = !titled;
    for (i, line) in lines.iter().enumerate() {
        s.page = line.page;
        if !title_seen && found.titles.binary_search(&(base + i)).is_ok() {
            title_seen = true;
            s.form.account(line.no, &line.clean);
            continue;
        }
        let rest;
        let line = match claims.get(&i) {
            Some(claims) => match s.take_claimed(line, claims) {
                Some(left) => {
                    rest = left;
                    &rest
                }
                None => continue,
            },
            None => line,
        };
        if line.is_blank() {
            s.blank();
        } else {
            s.line(line, base + i);
        }
    }
    s.finish(lines);
    s.form
}

impl Scanner<'_> {
    /// Where the values of fields with a `position` stand: by the index of
    /// their line in the form.
    fn claims(&self, lines: &[Line], base: usize) -> foldhash::HashMap<usize, Vec<Claim>> {
        let t = self.t;
        let mut out: foldhash::HashMap<usize, Vec<Claim>> = Default::default();
        if t.fields.iter().all(|f| f.position == Position::After) {
            return out;
        }
        for (i, line) in lines.iter().enumerate() {
            for at in self.found.labels(base + i) {
                let Some(&field) = t.labels[at.label].fields.iter().find(|&&f| {
                    t.fields[f].position != Position::After
                        && t.fields[f].in_scope(line.page, base + i, &self.heading_at)
                }) else {
                    continue;
                };
                let (up, n) = match t.fields[field].position {
                    Position::Above(n) => (true, n as usize),
                    Position::Below(n) => (false, n as usize),
                    Position::After => continue,
                };
                let others: Box<dyn Iterator<Item = usize>> = if up {
                    Box::new((0..i).rev())
                } else {
                    Box::new(i + 1..lines.len())
                };
                let Some(j) = others.filter(|&j| !lines[j].is_blank()).nth(n - 1) else {
                    continue;
                };
                let clean = &line.clean;
                let cell = if clean.contains('\t') && lines[j].clean.contains('\t') {
                    CellAt::Index(clean[..at.start].matches('\t').count())
                } else {
                    CellAt::Columns(column(clean, at.start), column(clean, at.end))
                };
                out.entry(j).or_default().push(Claim { field, cell });
            }
        }
        out
    }

    /// Takes the values standing in `line` for fields whose label is
    /// elsewhere; gives back the rest of the line (its other cells where
    /// they were), or `None` when nothing is left of it.
    fn take_claimed<'l>(&mut self, line: &Line<'l>, claims: &[Claim]) -> Option<Line<'l>> {
        let clean = &line.clean;
        let cells = split_cells(clean);
        let mut blanked = clean.to_string().into_bytes();
        for claim in claims {
            let pick = match claim.cell {
                CellAt::Index(k) => cells.get(k).copied(),
                CellAt::Columns(c0, c1) => {
                    // The cell over the label's columns, most overlapping.
                    cells
                        .iter()
                        .copied()
                        .map(|(s, e)| {
                            let (a, b) = (column(clean, s), column(clean, e));
                            (b.min(c1) as isize - a.max(c0) as isize, (s, e))
                        })
                        .filter(|(overlap, _)| *overlap > 0)
                        .max_by_key(|(overlap, _)| *overlap)
                        .map(|(_, cell)| cell)
                }
            };
            let Some((s, e)) = pick else { continue };
            let value = value_text(&clean[s..e]);
            if value.is_empty() || self.form.slots[claim.field].is_some() {
                continue;
            }
            self.form.account(line.no, clean[s..e].trim());
            set_slot(
                &mut self.form,
                (claim.field, None),
                Slot::Text {
                    line: line.no,
                    text: value.to_string(),
                },
            );
            blanked[s..e].fill(b' ');
        }
        // Spaces for whole characters: still text.
        let rest = String::from_utf8(blanked).expect("spaces replace whole characters");
        if rest.trim().is_empty() {
            return None;
        }
        Some(line.rewritten(rest.into()))
    }

    fn blank(&mut self) {
        if let Some((no, text)) = self.carry.take() {
            self.unplace(no, &text);
        }
        match &mut self.pending {
            Pending::Cells(toks) => {
                // A group's options may come after a blank line.
                self.pending = match toks.last().map(|t| t.target) {
                    Some(Target::Field { field, entry }) if self.t.fields[field].is_group() => {
                        Pending::Group((field, entry))
                    }
                    _ => Pending::None,
                };
            }
            // A group's option lines may have blank lines between them.
            Pending::Group(..) => {}
            Pending::Counts(_, started) => {
                if *started {
                    self.pending = Pending::None;
                }
            }
            Pending::Block {
                place,
                gap,
                tentative,
                wrap,
            } => {
                *wrap = false;
                let has_text = matches!(slot_ref(&self.form, *place), Some(Slot::Block { lines, .. }) if !lines.is_empty());
                if has_text && !*gap {
                    *gap = true;
                } else if *gap && !tentative.is_empty() {
                    tentative.push((0, String::new()));
                }
            }
            Pending::None => {}
        }
    }

    // Each pending state first tries the line, then falls through: the
    // nested `if`s say so better than guards with side effects.
    #[allow(clippy::collapsible_match)]
    fn line(&mut self, line: &Line, index: usize) {
        let toks = self.tokens(index);
        let starts_row = toks.first().is_some_and(|t| {
            lead_is_blank(&line.clean, t.start)
                || super::label_starts(&line.clean, marks::content_start(&line.clean).0)
                    .any(|s| s == t.start)
        });
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        if let Some(carry) = self.carry.take() {
            if let Pending::Group(place) = pending {
                if self.join_carry(place, &carry, line) {
                    self.pending = Pending::Group(place);
                    return;
                }
                self.unplace_in_group(place, carry.0, &carry.1);
            } else {
                self.unplace(carry.0, &carry.1);
            }
        }
        match pending {
            Pending::Cells(cells) if !starts_row => {
                if self.fill_cells(line, &cells) {
                    return;
                }
                self.note(
                    "values_unpaired",
                    None,
                    format!(
                        "values under a row of labels do not pair with them: {:?}",
                        line.clean.trim()
                    ),
                    line.no,
                );
            }
            Pending::Group(place) if !starts_row => {
                // Past a line of other text, only a line with boxes goes on
                // with the group.
                let boxed = !self.group_gap
                    || !marks::find_marks(&line.clean, 0, line.clean.len()).is_empty();
                if boxed
                    && (self.group_line(place, line, 0, line.clean.len())
                        || self.marks_below(place, line)
                        || self.stray_line(place, line))
                {
                    self.pending = Pending::Group(place);
                    return;
                }
                // Text between a question and its boxes, or among the boxes
                // (an instruction, a comment): the group reads on until the
                // next label.
                self.group_gap = true;
                self.pending = Pending::Group(place);
                self.unplace(line.no, line.clean.trim());
                return;
            }
            Pending::Counts(field, _) if !starts_row => {
                if self.counts_line(field, line) {
                    self.pending = Pending::Counts(field, true);
                    return;
                }
            }
            Pending::Block {
                place,
                gap,
                mut tentative,
                wrap,
            } if !starts_row => {
                // The block's printed instructions, on a line of their own
                // (a two-column table puts them under the label).
                let def = &self.t.fields[place.0];
                let (kept, ignored) = if def.ignore.is_empty() {
                    (line.clean.trim().to_string(), Vec::new())
                } else {
                    strip_ignored(def, line, 0, line.clean.len())
                };
                for piece in &ignored {
                    self.form.account(line.no, piece);
                }
                let text = (line.no, kept);
                self.form.account(text.0, &text.1);
                // A line that was only the instruction adds nothing.
                let only_ignored = text.1.is_empty() && !ignored.is_empty();
                let lines = if only_ignored {
                    None
                } else if gap {
                    Some(&mut tentative)
                } else {
                    match slot_mut(&mut self.form, place) {
                        Some(Slot::Block { lines, .. }) => Some(lines),
                        _ => None,
                    }
                };
                if let Some(lines) = lines {
                    push_text_line(lines, text, wrap);
                }
                self.pending = Pending::Block {
                    place,
                    gap,
                    tentative,
                    wrap: line.wraps,
                };
                return;
            }
            Pending::Block {
                place, tentative, ..
            } => self.commit_tentative(place, tentative),
            _ => {}
        }
        if starts_row {
            self.label_line(line, toks);
        } else {
            self.unplace(line.no, line.clean.trim());
        }
    }

    /// Lines that waited after a blank line belong to the block after all.
    fn commit_tentative(&mut self, place: Place, tentative: Vec<(usize, String)>) {
        if tentative.is_empty() {
            return;
        }
        if let Some(Slot::Block { lines, .. }) = slot_mut(&mut self.form, place) {
            lines.push((0, String::new()));
            lines.extend(tentative);
        }
    }

    fn finish(&mut self, lines: &[Line]) {
        if let Some((no, text)) = self.carry.take() {
            if let Pending::Group(place) = self.pending {
                self.unplace_in_group(place, no, &text);
            } else {
                self.unplace(no, &text);
            }
        }
        if let Pending::Block { tentative, .. } =
            std::mem::replace(&mut self.pending, Pending::None)
        {
            for (no, text) in tentative.into_iter().filter(|(no, _)| *no > 0) {
                self.form.unplaced.push((no, text));
            }
        }
        self.take_signature(lines);
    }

    /// The last line of the form, when no field took it and it looks like
    /// a name, is the signature.
    fn take_signature(&mut self, lines: &[Line]) {
        let Some(sig) = self.t.signature else { return };
        let Some(last) = lines.iter().rev().find(|l| !l.is_blank()) else {
            return;
        };
        let Some(pos) = self.form.unplaced.iter().position(|(no, _)| *no == last.no) else {
            return;
        };
        let text = &self.form.unplaced[pos].1;
        let whole = text == last.clean.trim();
        let pattern = self.t.fields[sig]
            .pattern
            .as_ref()
            .expect("signature has a pattern");
        if whole
            && pattern.regex().is_match(text)
            && self
                .form
                .unplaced
                .iter()
                .filter(|(no, _)| *no == last.no)
                .count()
                == 1
        {
            let (line, text) = self.form.unplaced.remove(pos);
            self.form.slots[sig] = Some(Slot::Text { line, text });
        }
    }

    fn unplace(&mut self, no: usize, text: &str) {
        if !text.trim().is_empty() {
            self.form.account(no, text.trim());
            self.form.unplaced.push((no, text.trim().to_string()));
        }
    }

    fn note(&mut self, code: &'static str, field: Option<String>, message: String, line: usize) {
        self.form.notes.push(Note {
            code,
            field,
            message,
            line: Some(line),
        });
    }

    // ---- labels ----------------------------------------------------------------

    /// The labels of a line, resolved to fields, in order.
    fn tokens(&mut self, index: usize) -> Vec<Tok> {
        let found = self.found;
        self.resolve(found.labels(index), index)
    }

    /// The row of the label that leads line `index + 1` (or `index + 2`,
    /// past a line of no label: its value), if only one field prints it: a
    /// shared label that neither its line nor the line before
    /// places may lead the row the next line goes on with (a two-column
    /// table prints a row's labels one a line: UF, then Cidade).
    fn row_below(&self, index: usize) -> Option<usize> {
        let found = self.found;
        let at = |i: usize| {
            (i < found.lines())
                .then(|| found.labels(i).first())
                .flatten()
        };
        // A two-column table puts the label's value between: UF, MG, Cidade.
        at(index + 1)
            .or_else(|| at(index + 2).filter(|_| found.labels(index + 1).is_empty()))
            .and_then(|l| self.unique_row(l.label))
    }

    /// Gives each label its field, by row; drops labels already used.
    fn resolve(&mut self, spans: &[LabelAt], index: usize) -> Vec<Tok> {
        let mut out: Vec<Tok> = Vec::new();
        let mut line_row: Option<usize> = None;
        let mut line_entry: Option<(FieldId, usize)> = None;
        let mut heads_here: HashSet<(FieldId, u32)> = HashSet::default();
        // Labels used earlier on this line: top-level fields by flag, list
        // fields by (field, entry).
        let mut taken_here: Vec<FieldId> = Vec::new();
        let mut taken_in_entries: HashSet<(FieldId, usize)> = HashSet::default();
        // For each label, the row of the next label only one field prints.
        let mut next_unique: Vec<Option<usize>> = vec![None; spans.len()];
        for i in (0..spans.len().saturating_sub(1)).rev() {
            next_unique[i] = self.unique_row(spans[i + 1].label).or(next_unique[i + 1]);
        }
        for (i, at) in spans.iter().enumerate() {
            let li = at.label;
            let label = &self.t.labels[li];
            let field = if label.fields.len() == 1 {
                label.fields[0]
            } else {
                let row = line_row
                    .or_else(|| next_unique[i])
                    .or(self.ctx.map(|c| c.0));
                let in_row = |r: usize| {
                    label
                        .fields
                        .iter()
                        .copied()
                        .find(|&f| self.t.fields[f].row == r)
                };
                let first = i == 0 && line_row.is_none() && next_unique[i].is_none();
                let below = || first.then(|| self.row_below(index)).flatten();
                match row.and_then(in_row).or_else(|| below().and_then(in_row)) {
                    Some(f) => f,
                    None => continue,
                }
            };
            // Outside the pages or part of the form its field is read in
            // (an instruction page), a label is text.
            if !self.t.fields[field].in_scope(self.page, index, &self.heading_at) {
                continue;
            }
            let (start, end) = (at.start, at.end);
            let def = &self.t.fields[field];
            let target = if def.kind == Kind::List {
                let number = at
                    .number
                    .unwrap_or(self.entry_keys.iter().filter(|k| k.0 == field).count() as u32 + 1);
                if self.entry_keys.contains(&(field, number)) || !heads_here.insert((field, number))
                {
                    continue;
                }
                line_entry = Some((field, usize::MAX));
                Target::Head {
                    list: field,
                    number,
                    entry: None,
                }
            } else if let Some(list) = def.list {
                let entry = match line_entry {
                    Some((l, e)) if l == list => e,
                    _ => match self.ctx {
                        Some((row, Some(e))) if row == self.t.fields[list].row => e,
                        _ => continue,
                    },
                };
                let used = entry != usize::MAX && self.form.entries[entry].labels[field].is_some();
                if used || !taken_in_entries.insert((field, entry)) {
                    continue;
                }
                Target::Field {
                    field,
                    entry: Some(entry),
                }
            } else {
                if self.form.labels[field].is_some() || self.line_taken[field] {
                    continue;
                }
                self.line_taken[field] = true;
                taken_here.push(field);
                Target::Field { field, entry: None }
            };
            line_row = Some(def.row);
            out.push(Tok { target, start, end });
        }
        for f in taken_here {
            self.line_taken[f] = false;
        }
        out
    }

    /// The row of a label that only one field prints.
    fn unique_row(&self, label: usize) -> Option<usize> {
        match self.t.labels[label].fields.as_slice() {
            [f] => Some(self.t.fields[*f].row),
            _ => None,
        }
    }

    /// Applies a label line: each label takes the text after it.
    fn label_line(&mut self, line: &Line, mut toks: Vec<Tok>) {
        self.form.labels_found += toks.len();
        self.group_gap = false;
        self.open_entries(line, &mut toks);
        let clean = &line.clean;
        let mut empty: Vec<Tok> = Vec::new();
        let mut lead_end = toks[0].start;
        // A box's mark stands before its label, at the start of the line.
        if let Some(m) = self.box_mark(&toks[0], line, 0) {
            lead_end = m.start;
        }
        // An item number before the first label is the label's ("1 Name").
        let numbered = super::enumerator_end(clean, marks::content_start(clean).0);
        if numbered == Some(lead_end) {
            self.form.account(line.no, clean[..lead_end].trim());
        } else {
            self.unplace(line.no, &clean[..lead_end]);
        }
        let n = toks.len();
        for i in 0..n {
            let tok = toks[i];
            let label_start = self.box_mark(&tok, line, 0).map_or(tok.start, |m| m.start);
            self.form.account(line.no, &clean[label_start..tok.end]);
            let mut seg_end = toks.get(i + 1).map_or(clean.len(), |t| t.start);
            if let Some(next) = toks.get(i + 1) {
                if let Some(m) = self.box_mark(next, line, tok.end) {
                    seg_end = m.start;
                }
            }
            // After a head alone on its line (`1º contato`, a row of a
            // two-column table), the lines below belong to its entry.
            self.ctx = Some((self.row_of(tok.target), entry_of(tok.target)));
            match tok.target {
                Target::Head { .. } => self.unplace(line.no, &clean[tok.end..seg_end]),
                Target::Field { field, entry } => {
                    let place = (field, entry);
                    self.take(place, line.no);
                    let is_last = i + 1 == n;
                    if !self.field_value(place, &tok, line, seg_end, is_last) {
                        empty.push(tok);
                    }
                }
            }
        }
        let takes_value = |t: &Tok| match t.target {
            Target::Field { field, .. } => {
                let f = &self.t.fields[field];
                !f.block && f.kind != Kind::Box
            }
            Target::Head { .. } => false,
        };
        // Nothing after any label: the values may stand in the next line's cells.
        let waiting = toks.iter().filter(|t| takes_value(t)).count();
        let all_empty = waiting > 0 && empty.iter().filter(|t| takes_value(t)).count() == waiting;
        if all_empty && matches!(self.pending, Pending::None | Pending::Group(..)) {
            self.pending = Pending::Cells(toks);
        }
    }

    /// Heads of list entries on this line become entries; the labels after
    /// them point at the new entry.
    fn open_entries(&mut self, line: &Line, toks: &mut [Tok]) {
        let mut current: Option<usize> = None;
        for tok in toks.iter_mut() {
            match &mut tok.target {
                Target::Head {
                    list,
                    number,
                    entry,
                } => {
                    self.entry_keys.insert((*list, *number));
                    self.form.entries.push(Entry {
                        list: *list,
                        number: *number,
                        line: line.no,
                        slots: vec![None; self.t.fields.len()],
                        labels: vec![None; self.t.fields.len()],
                    });
                    current = Some(self.form.entries.len() - 1);
                    *entry = current;
                }
                Target::Field { entry: Some(e), .. } if *e == usize::MAX => {
                    *e = current.expect("head before")
                }
                _ => {}
            }
        }
    }

    fn row_of(&self, target: Target) -> usize {
        match target {
            Target::Field { field, .. } | Target::Head { list: field, .. } => {
                self.t.fields[field].row
            }
        }
    }

    /// Marks the label of a field as used, on `line`.
    fn take(&mut self, (field, entry): Place, line: usize) {
        match entry {
            Some(e) => self.form.entries[e].labels[field] = Some(line),
            None => self.form.labels[field] = Some(line),
        }
    }

    /// The mark before a box label, searched from `from`.
    fn box_mark(&self, tok: &Tok, line: &Line, from: usize) -> Option<marks::MarkAt> {
        match tok.target {
            Target::Field { field, .. } if self.t.fields[field].kind == Kind::Box => {
                marks::trailing_mark(&line.clean, from, tok.start)
            }
            _ => None,
        }
    }

    /// Reads the value after a label; false when there is none on the line.
    fn field_value(
        &mut self,
        place: Place,
        tok: &Tok,
        line: &Line,
        seg_end: usize,
        is_last: bool,
    ) -> bool {
        let def = &self.t.fields[place.0];
        let seg = &line.clean[tok.end..seg_end];
        if def.position != Position::After {
            // Its value stands above or below: what follows is not it.
            self.unplace(line.no, seg);
            return true;
        }
        match def.kind {
            Kind::Box => {
                // The box's mark stands right before its label, or else
                // right after it (`Needs parking? ☒`).
                let before = self.box_mark(tok, line, 0);
                let after = || {
                    let (start, marked) = marks::content_start(seg);
                    marked
                        .then(|| marks::find_marks(seg, 0, start).into_iter().next())
                        .flatten()
                        .map(|m| marks::MarkAt {
                            start: tok.end + m.start,
                            end: tok.end + m.end,
                            mark: m.mark,
                        })
                };
                let (mark, span, rest) = match before {
                    Some(m) => (Some(m.mark), (m.start, tok.end), tok.end),
                    None => match after() {
                        Some(m) => {
                            self.form.account(line.no, &line.clean[m.start..m.end]);
                            (Some(m.mark), (tok.start, m.end), m.end)
                        }
                        None => (None, (tok.start, tok.end), tok.end),
                    },
                };
                let hit = marks::Hit {
                    option: 0,
                    mark,
                    line: line.no,
                    raw: line.clean[span.0..span.1].into(),
                    span: (tok.start, span.1.max(tok.end)),
                };
                set_slot(
                    &mut self.form,
                    place,
                    Slot::Options {
                        line: line.no,
                        hits: vec![hit],
                        stray: Vec::new(),
                    },
                );
                self.unplace(line.no, &line.clean[rest..seg_end]);
                true
            }
            Kind::Single | Kind::Multiple | Kind::Yesno => {
                let found = self.group_line(place, line, tok.end, seg_end);
                if !found {
                    self.unplace(line.no, seg);
                }
                // Options may follow on the next lines.
                if is_last || (!found && matches!(self.pending, Pending::None)) {
                    self.pending = Pending::Group(place);
                }
                found
            }
            Kind::Counts => {
                self.unplace(line.no, seg);
                self.pending = Pending::Counts(place.0, false);
                true
            }
            _ if def.block => {
                let (text, ignored) = strip_ignored(def, line, tok.end, seg_end);
                for piece in ignored {
                    self.form.account(line.no, &piece);
                }
                let lines = if text.is_empty() {
                    vec![]
                } else {
                    vec![(line.no, text)]
                };
                set_slot(
                    &mut self.form,
                    place,
                    Slot::Block {
                        line: line.no,
                        lines,
                    },
                );
                if is_last {
                    self.pending = Pending::Block {
                        place,
                        gap: false,
                        tentative: Vec::new(),
                        wrap: line.wraps,
                    };
                }
                true
            }
            _ if !def.ignore.is_empty() => {
                // The form's printed instruction beside the label is not
                // the value ("Telefone (com DDD): ...").
                let (value, ignored) = strip_ignored(def, line, tok.end, seg_end);
                for piece in &ignored {
                    self.form.account(line.no, piece);
                }
                if value.is_empty() {
                    return false;
                }
                self.form.account(line.no, &value);
                set_slot(
                    &mut self.form,
                    place,
                    Slot::Text {
                        line: line.no,
                        text: value,
                    },
                );
                true
            }
            _ => {
                let value = value_text(seg);
                if value.is_empty() {
                    return false;
                }
                self.form.account(line.no, seg.trim());
                set_slot(
                    &mut self.form,
                    place,
                    Slot::Text {
                        line: line.no,
                        text: value.to_string(),
                    },
                );
                true
            }
        }
    }

    /// Reads a wrapped option line's end with the next line, when an option
    /// label runs across the two.
    fn join_carry(&mut self, place: Place, carry: &(usize, String), line: &Line) -> bool {
        let text = format!("{} {}", carry.1, line.clean.trim());
        let mut joined = Line::new(carry.0, &text);
        joined.wraps = line.wraps;
        let cut = carry.1.len();
        let read = marks::read_options(&self.t.fields[place.0], &joined, 0, joined.clean.len());
        let across = read.hits.iter().any(|h| h.span.0 < cut && h.span.1 > cut);
        if across && self.group_line(place, &joined, 0, joined.clean.len()) {
            // The joined reading accounts for this line, and for the
            // carried end of the line before.
            self.form.account(carry.0, &carry.1);
            self.form.account(line.no, &line.clean);
            return true;
        }
        false
    }

    /// Reads options of a group from `line.clean[from..to]`; false when
    /// there is none.
    fn group_line(&mut self, place: Place, line: &Line, from: usize, to: usize) -> bool {
        let t = self.t;
        // Read where it is kept (no copy of the reading but its hits).
        marks::with_options(&t.fields[place.0], line, from, to, |read| {
            if read.hits.is_empty() {
                return false;
            }
            for &(s, e) in &read.taken {
                self.form.account(line.no, &line.clean[s..e]);
            }
            for text in &read.leftover {
                self.unplace_in_group(place, line.no, text);
            }
            if let Some(tail) = &read.tail {
                // "☐ Encerramento de" + "Atividades" on the next line: read
                // with it, and kept only if an option then runs across the
                // two (a text wrapped with no sign of it, as pdftotext -layout
                // writes it, is read so too).
                if line.wraps || marks::content_start(tail).1 {
                    self.carry = Some((line.no, tail.clone()));
                } else {
                    self.unplace_in_group(place, line.no, tail);
                }
            }
            let hits = read.hits.iter().map(|h| marks::Hit {
                line: line.no,
                ..h.clone()
            });
            match slot_mut(&mut self.form, place) {
                Some(Slot::Options { hits: had, .. }) => had.extend(hits),
                _ => set_slot(
                    &mut self.form,
                    place,
                    Slot::Options {
                        line: line.no,
                        hits: hits.collect(),
                        stray: Vec::new(),
                    },
                ),
            }
            true
        })
    }

    /// A line of marks alone under a line of options that had none (options
    /// laid out as table columns, their boxes in the row below): the marks
    /// go to those options in order; when they do not count the same, the
    /// options' state is unreadable, never unchecked.
    fn marks_below(&mut self, place: Place, line: &Line) -> bool {
        let clean = &line.clean;
        let found = marks::find_marks(clean, 0, clean.len());
        if found.is_empty() {
            return false;
        }
        let mut covered: Vec<(usize, usize)> = found.iter().map(|m| (m.start, m.end)).collect();
        if !marks::uncovered(clean, 0, clean.len(), &mut covered).is_empty() {
            return false;
        }
        let Some(Slot::Options { hits, .. }) = slot_mut(&mut self.form, place) else {
            return false;
        };
        let Some(last) = hits.last().map(|h| h.line) else {
            return false;
        };
        let row = hits
            .iter()
            .rposition(|h| h.line != last)
            .map_or(0, |i| i + 1);
        let above = &mut hits[row..];
        if above.iter().any(|h| h.mark.is_some()) {
            return false;
        }
        if above.len() == found.len() {
            for (h, m) in above.iter_mut().zip(&found) {
                h.mark = Some(m.mark);
                h.raw = format!("{} {}", &clean[m.start..m.end], h.raw).into();
            }
        } else {
            let below: Vec<&str> = clean.split_whitespace().collect();
            let below = below.join(" ");
            for h in above.iter_mut() {
                h.mark = Some(marks::Mark::Unreadable);
                h.raw = format!("{} (marks below: {below})", h.raw).into();
            }
        }
        self.form.account(line.no, clean);
        true
    }

    /// A line led by a box that no option of the group takes (`☒
    /// Reativação`): its text is unplaced, a checked box kept on the group
    /// for its error, and the group reads on.
    fn stray_line(&mut self, place: Place, line: &Line) -> bool {
        if !marks::content_start(&line.clean).1 {
            return false;
        }
        self.unplace_in_group(place, line.no, line.clean.trim());
        true
    }

    /// Text a group's reading left over goes to `unplaced`; a checked box
    /// in it is also kept on the group, for its error: no option took it.
    fn unplace_in_group(&mut self, place: Place, no: usize, text: &str) {
        self.unplace(no, text);
        let checked = marks::find_marks(text, 0, text.len())
            .iter()
            .any(|m| m.mark == marks::Mark::Checked);
        if !checked {
            return;
        }
        match slot_mut(&mut self.form, place) {
            Some(Slot::Options { stray, .. }) => stray.push((no, text.to_string())),
            _ => set_slot(
                &mut self.form,
                place,
                Slot::Options {
                    line: no,
                    hits: Vec::new(),
                    stray: vec![(no, text.to_string())],
                },
            ),
        }
    }

    /// Pairs the cells of a line with labels that had no value.
    fn fill_cells(&mut self, line: &Line, toks: &[Tok]) -> bool {
        let cells = split_cells(&line.clean);
        let valued: Vec<Tok> = toks
            .iter()
            .copied()
            .filter(|t| matches!(t.target, Target::Field { field, .. } if !self.t.fields[field].block && self.t.fields[field].kind != Kind::Box))
            .collect();
        let pairs: Vec<(Tok, (usize, usize))> = if cells.len() == valued.len() {
            valued.iter().copied().zip(cells.iter().copied()).collect()
        } else if cells.len() == toks.len() {
            toks.iter().copied().zip(cells.iter().copied()).collect()
        } else if valued.len() == 1 {
            vec![(valued[0], (0, line.clean.len()))]
        } else {
            // One group among the labels: the line is its options.
            let groups: Vec<&Tok> = valued.iter().filter(|t| self.is_group(t)).collect();
            if let [g] = groups.as_slice() {
                let Target::Field { field, entry } = g.target else {
                    unreachable!()
                };
                if self.group_line((field, entry), line, 0, line.clean.len()) {
                    self.pending = Pending::Group((field, entry));
                    return true;
                }
            }
            return false;
        };
        for (tok, (s, e)) in pairs {
            match tok.target {
                Target::Field { field, entry } if self.is_group(&tok) => {
                    if self.group_line((field, entry), line, s, e) {
                        // More option lines may follow.
                        self.pending = Pending::Group((field, entry));
                    } else {
                        self.unplace(line.no, &line.clean[s..e]);
                        // A question alone on its line: its boxes may
                        // stand below the line of other text.
                        if valued.len() == 1 {
                            self.group_gap = true;
                            self.pending = Pending::Group((field, entry));
                        }
                    }
                }
                Target::Field { field, entry } => {
                    let value = value_text(&line.clean[s..e]);
                    self.form.account(line.no, line.clean[s..e].trim());
                    if !value.is_empty() {
                        set_slot(
                            &mut self.form,
                            (field, entry),
                            Slot::Text {
                                line: line.no,
                                text: value.to_string(),
                            },
                        );
                    }
                }
                Target::Head { .. } => self.unplace(line.no, &line.clean[s..e]),
            }
        }
        true
    }

    fn is_group(&self, tok: &Tok) -> bool {
        matches!(tok.target, Target::Field { field, .. } if self.t.fields[field].is_group())
    }

    /// A row of a counts table: each number stands in the cell before the
    /// option it counts.
    fn counts_line(&mut self, field: FieldId, line: &Line) -> bool {
        let Some(from) = self.t.fields[field].options_from else {
            return false;
        };
        let group = &self.t.fields[from];
        let cells = split_cells(&line.clean);
        let mut found = Vec::new();
        let mut used = vec![false; cells.len()];
        for (i, &(s, e)) in cells.iter().enumerate() {
            let cell = line.clean[s..e].trim();
            if cell.is_empty() {
                used[i] = true;
                continue;
            }
            let folded = crate::input::fold::fold(cell);
            let Some(opt) = group.options.iter().position(|o| {
                o.pattern
                    .regex()
                    .find(&folded)
                    .is_some_and(|m| m.start() == 0 && m.end() == folded.len())
            }) else {
                continue;
            };
            used[i] = true;
            self.form.account(line.no, cell);
            if i > 0 {
                let before = line.clean[cells[i - 1].0..cells[i - 1].1].trim();
                if !before.is_empty() && !used[i - 1] {
                    used[i - 1] = true;
                    self.form.account(line.no, before);
                    found.push((opt, before.to_string(), line.no));
                }
            }
        }
        if !used
            .iter()
            .enumerate()
            .any(|(i, u)| *u && !line.clean[cells[i].0..cells[i].1].trim().is_empty())
        {
            return false;
        }
        for (i, &(s, e)) in cells.iter().enumerate() {
            if !used[i] {
                self.unplace(line.no, &line.clean[s..e]);
            }
        }
        match &mut self.form.slots[field] {
            Some(Slot::Counts { cells, .. }) => cells.extend(found),
            slot => {
                *slot = Some(Slot::Counts {
                    line: line.no,
                    cells: found,
                })
            }
        }
        true
    }
}

/// The character column of byte `at` of a line.
fn column(clean: &str, at: usize) -> usize {
    clean[..at].chars().count()
}

/// Adds a line of text to a block; a line that goes on from a wrapped one
/// joins it with a space.
fn push_text_line(lines: &mut Vec<(usize, String)>, text: (usize, String), wrap: bool) {
    match lines.last_mut() {
        Some(last) if wrap && !last.1.is_empty() => {
            last.1.push(' ');
            last.1.push_str(&text.1);
        }
        _ => lines.push(text),
    }
}

fn entry_of(target: Target) -> Option<usize> {
    match target {
        Target::Field { entry, .. } | Target::Head { entry, .. } => entry,
    }
}

/// Only white space, marks and bullets before a label: the line starts with it.
fn lead_is_blank(clean: &str, start: usize) -> bool {
    let lead = &clean[..start];
    let rest =
        lead.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '•' | '>' | '|'));
    rest.is_empty()
        || marks::find_marks(rest, 0, rest.len())
            .iter()
            .map(|m| m.end - m.start)
            .sum::<usize>()
            == rest.len()
}

/// The value after a label: without the colon and white space around it.
fn value_text(seg: &str) -> std::borrow::Cow<'_, str> {
    let v = seg.trim().trim_start_matches(':').trim_start();
    // "CRO - 12345": a dash then a space separates; "-2" is a value.
    let v = match v.strip_prefix(['-', '–']) {
        Some(rest) if rest.starts_with(char::is_whitespace) || rest.is_empty() => rest.trim(),
        _ => v.trim(),
    };
    // Control characters are junk of the export, not part of a value.
    if v.contains(|c: char| c.is_control()) {
        v.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .into()
    } else {
        v.into()
    }
}

/// Block text after its label, without the printed instructions (given
/// back apart).
fn strip_ignored(
    def: &crate::template::Field,
    line: &Line,
    from: usize,
    to: usize,
) -> (String, Vec<String>) {
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for re in &def.ignore {
        // Folded at the first pattern (most blocks have none).
        let folded = line.folded();
        for m in re.find_iter(&folded.text) {
            let (s, e) = (folded.to_clean(m.start()), folded.end_to_clean(m.end()));
            if s >= from && e <= to {
                covered.push((s, e));
            }
        }
    }
    let ignored = covered
        .iter()
        .map(|&(s, e)| line.clean[s..e].to_string())
        .collect();
    let rest = marks::uncovered(&line.clean, from, to, &mut covered).join(" ");
    (value_text(&rest).to_string(), ignored)
}

/// Table cells: split on tabs (an empty cell keeps its tab), or else on runs
/// of two or more spaces. Clean byte spans.
fn split_cells(clean: &str) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    if clean.contains('\t') {
        let mut at = 0;
        for piece in clean.split('\t') {
            cells.push((at, at + piece.len()));
            at += piece.len() + 1;
        }
        return cells;
    }
    let text = clean.trim_end();
    let mut start = text.len() - text.trim_start().len();
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b' ') {
            cells.push((start, i));
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    cells.push((start, text.len()));
    cells
}

fn slot_ref(form: &RawForm, (field, entry): Place) -> Option<&Slot> {
    match entry {
        Some(e) => form.entries[e].slots[field].as_ref(),
        None => form.slots[field].as_ref(),
    }
}

fn slot_mut(form: &mut RawForm, (field, entry): Place) -> Option<&mut Slot> {
    match entry {
        Some(e) => form.entries[e].slots[field].as_mut(),
        None => form.slots[field].as_mut(),
    }
}

fn set_slot(form: &mut RawForm, (field, entry): Place, slot: Slot) {
    match &slot {
        Slot::Text { line, text } => form.account(*line, text),
        Slot::Block { lines, .. } => {
            for (no, text) in lines {
                form.account(*no, text);
            }
        }
        _ => {}
    }
    match entry {
        Some(e) => form.entries[e].slots[field] = Some(slot),
        None => form.slots[field] = Some(slot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_by_tab_or_wide_gaps() {
        let spans = |s: &str| {
            split_cells(s)
                .into_iter()
                .map(|(a, b)| s[a..b].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(spans("Maria\t13/02/2025"), ["Maria", "13/02/2025"]);
        assert_eq!(spans("\t13/02/2025"), ["", "13/02/2025"]);
        assert_eq!(
            spans("Maria Luiza   13/02/2025"),
            ["Maria Luiza", "13/02/2025"]
        );
        assert_eq!(spans("one cell"), ["one cell"]);
    }

    #[test]
    fn values_lose_their_separator_but_keep_a_sign() {
        assert_eq!(value_text(": Maria "), "Maria");
        assert_eq!(value_text(" - 12345"), "12345");
        assert_eq!(value_text(" -2+3"), "-2+3");
        assert_eq!(value_text(": -R$ 10,00"), "-R$ 10,00");
    }

    #[test]
    fn marks_and_bullets_lead_a_line() {
        assert!(lead_is_blank("☒ Foi", 4));
        assert!(lead_is_blank("  - Foi", 4));
        assert!(!lead_is_blank("texto Foi", 6));
    }
}
