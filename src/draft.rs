//! `formsift draft`: a template drafted from one form, for the user to
//! edit. What a line shows decides what it drafts:
//!
//! - the first line of text that is no label is the title;
//! - `Label: value` (several on a line too) is a field; the value's shape
//!   gives its type (date, period, money, CPF, CNPJ, integer) and, for the
//!   form, its locale (a date with a day past 12 in second place, or `$`
//!   amounts, are American);
//! - a row of label cells over a row of values (a table, a text export's
//!   tabs) is a field a cell; a row of values over a row of labels is
//!   drafted with `position = "above"`; a row that alternates label and
//!   value cells is read in pairs;
//! - boxes (☒ ☐) after a question, or in the lines under it, are a group
//!   whose options are the texts after the boxes: `yesno` for Sim/Não or
//!   Yes/No, `single` when the form checks one box, `multiple` otherwise;
//!   a box alone after its question is a `box` field;
//! - a label alone on its line followed by lines of text is a `block`;
//! - a fillable PDF's form fields are drafted by their names (`pdf_field`),
//!   the page's printed labels left as comments.
//!
//! A label printed more than once (`Data`, `Obs.`) is drafted once per
//! place, each in the row of its line (or of the label line before it),
//! as templates tell shared labels apart. The output is TOML that
//! compiles; comments say what was guessed.

use crate::extract::marks;
use crate::input::fold::fold;
use crate::input::pdf::acroform::{FieldValue, FormField};

/// One line of the document as recognition reads it.
#[derive(Debug, Clone)]
pub struct DraftLine {
    pub no: usize,
    pub text: String,
}

/// A field of the draft.
#[derive(Debug)]
struct Drafted {
    key: String,
    kind: &'static str,
    label: String,
    /// The value it was drafted from (for the comment).
    example: String,
    /// The label's line: fields of a line share a row.
    row: usize,
    block: bool,
    position: Option<&'static str>,
    options: Vec<(String, String)>,
    pdf_field: Option<String>,
}

impl Drafted {
    fn new(label: &str, example: &str, line: usize) -> Drafted {
        Drafted {
            key: String::new(),
            kind: kind_of(example),
            label: label.trim().to_string(),
            example: example.trim().to_string(),
            row: line,
            block: false,
            position: None,
            options: Vec::new(),
            pdf_field: None,
        }
    }
}

/// What the lines of a document give, in order.
struct Drafter<'a> {
    lines: &'a [DraftLine],
    fields: Vec<Drafted>,
    title: Option<String>,
}

/// Drafts a template named `name` from a document's lines and its form
/// fields.
pub fn draft(name: &str, lines: &[DraftLine], form_fields: &[FormField]) -> String {
    let mut d = Drafter {
        lines,
        fields: Vec::new(),
        title: None,
    };
    d.read();
    d.signature();
    if !form_fields.is_empty() {
        d.fields = form_fields.iter().map(pdf_field).collect();
    }
    d.write(name, !form_fields.is_empty())
}

/// A template name from a file's name: `Ficha Cadastro (2).docx` gives
/// `ficha-cadastro-2`.
pub fn name_of(file: &str) -> String {
    let stem = std::path::Path::new(file)
        .file_stem()
        .map_or("form".into(), |s| s.to_string_lossy().into_owned());
    slug(&stem, "form").replace('_', "-")
}

/// A form field as a drafted field, by its name.
fn pdf_field(f: &FormField) -> Drafted {
    let short = f
        .name
        .rsplit('.')
        .find(|s| !s.trim_start_matches('#').starts_with("subform"))
        .unwrap_or(&f.name);
    let short = short.split('[').next().unwrap_or(short);
    let (kind, example) = match &f.value {
        FieldValue::Text(v) => (kind_of(v), v.clone()),
        FieldValue::Checked(on) => ("box", if *on { "☒" } else { "☐" }.to_string()),
        FieldValue::Radio(v) => ("text", v.clone().unwrap_or_default()),
    };
    let mut d = Drafted::new(short, &example, 0);
    d.kind = kind;
    d.pdf_field = Some(f.name.clone());
    d
}

impl Drafter<'_> {
    fn read(&mut self) {
        let n = self.lines.len();
        let mut i = 0;
        // The last label with no value: a question its boxes may follow.
        let mut question: Option<usize> = None;
        while i < n {
            let text = self.lines[i].text.as_str();
            let no = self.lines[i].no;
            if text.trim().is_empty() {
                i += 1;
                continue;
            }
            if self.title.is_none() {
                if !text.contains(':') && !has_marks(text) && !text.contains('\t') {
                    self.title = Some(text.trim().to_string());
                    i += 1;
                    continue;
                }
                self.title = Some(String::new());
            }
            let next = self.next_text(i);
            // Rows of cells.
            if text.contains('\t') {
                // Three rows or more, each label, value, label, value...: a
                // two-column table, read in pairs.
                let run = self.pair_rows(i);
                if run >= 3 {
                    for k in i..i + run {
                        let cells = cells(&self.lines[k].text);
                        for p in cells.chunks(2) {
                            self.cell_value(p[0], p[1], self.lines[k].no);
                        }
                    }
                    question = None;
                    i += run;
                    continue;
                }
                let cells = cells(text);
                let below = next.map(|j| cells_of(&self.lines[j].text));
                match below {
                    Some(b) if b.len() == cells.len() && cells.iter().all(|c| is_label(c)) => {
                        let j = next.expect("a next line");
                        for (c, v) in cells.iter().zip(&b) {
                            self.cell_value(c, v, no);
                        }
                        question = None;
                        i = j + 1;
                        continue;
                    }
                    Some(b)
                        if b.len() == cells.len()
                            && b.iter().all(|c| is_label(c))
                            && !cells.iter().all(|c| is_label(c)) =>
                    {
                        let j = next.expect("a next line");
                        for (v, c) in cells.iter().zip(&b) {
                            let mut f = Drafted::new(c, v, self.lines[j].no);
                            f.position = Some("above");
                            self.fields.push(f);
                        }
                        i = j + 1;
                        continue;
                    }
                    _ => {}
                }
                // Label, value, label, value...
                let pairs = cells.len().is_multiple_of(2)
                    && cells.chunks(2).all(|p| is_label(p[0]) || p[0].is_empty());
                if pairs {
                    for p in cells.chunks(2) {
                        if !p[0].is_empty() {
                            self.cell_value(p[0], p[1], no);
                        }
                    }
                    i += 1;
                    continue;
                }
                for c in cells {
                    question = self.segment(c, no, false).or(question);
                }
                i += 1;
                continue;
            }
            // A label and a value of a known shape, with no colon between
            // (`1º contato Data 03/03/2025`).
            if let Some((label, value)) = trailing_value(text) {
                self.fields.push(Drafted::new(&label, &value, no));
                question = None;
                i += 1;
                continue;
            }
            // A label alone on its line.
            let alone = text.trim().trim_end_matches(':').trim();
            if !has_marks(text) && (is_label(alone) || text.trim_end().ends_with(':')) {
                match next {
                    Some(j) if has_marks(&self.lines[j].text) || self.question_gap(j) => {
                        self.fields.push(Drafted::new(alone, "", no));
                        question = Some(self.fields.len() - 1);
                        i += 1;
                        continue;
                    }
                    Some(j)
                        if j == i + 1
                            && (text.trim_end().ends_with(':') || !self.is_label_line(j)) =>
                    {
                        // Lines of text under it, to a blank line: a block,
                        // or one line: its value.
                        // A short line under a label with no colon is its
                        // value (a text export writes a cell a line); a
                        // sentence starts a block.
                        let first = self.lines[j].text.trim();
                        let sentence = first.split_whitespace().count() > 7 || first.ends_with('.');
                        let mut k = j + 1;
                        if text.trim_end().ends_with(':') || sentence {
                            while k < n && !self.lines[k].text.trim().is_empty() {
                                k += 1;
                            }
                        }
                        let body: Vec<&str> =
                            self.lines[j..k].iter().map(|l| l.text.trim()).collect();
                        let mut f = Drafted::new(alone, body[0], no);
                        if body.len() > 1 || text.trim_end().ends_with(':') {
                            f.block = true;
                            f.kind = "text";
                        }
                        self.fields.push(f);
                        question = None;
                        i = k;
                        continue;
                    }
                    _ => {
                        self.fields.push(Drafted::new(alone, "", no));
                        question = Some(self.fields.len() - 1);
                        i += 1;
                        continue;
                    }
                }
            }
            if has_marks(text) && marks_lead(text) {
                // Options under a question.
                match question {
                    Some(q) => self.add_options(q, text),
                    None => {
                        // Boxes and no question: each its own box.
                        for (_, option) in options_of(text) {
                            let mut f = Drafted::new(&option, "", no);
                            f.kind = "box";
                            self.fields.push(f);
                        }
                    }
                }
                i += 1;
                continue;
            }
            let boxes_below = next.is_some_and(|j| marks_lead(&self.lines[j].text));
            question = self.segment(text, no, boxes_below).or(question);
            i += 1;
        }
    }

    /// A name alone on the last line, that no label took, is the
    /// signature.
    fn signature(&mut self) {
        let Some(last) = self.lines.iter().rev().find(|l| !l.text.trim().is_empty()) else {
            return;
        };
        let Some(f) = self.fields.last_mut() else {
            return;
        };
        let words: Vec<&str> = f.label.split_whitespace().collect();
        let name_like = (2..=6).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if f.row == last.no && f.example.is_empty() && f.options.is_empty() && name_like {
            f.kind = "signature";
            f.example = f.label.clone();
            f.label = "signature".into();
        }
    }

    /// How many rows from line `i` on, one after the other, have the same
    /// even number of cells with labels (or nothing) in the odd places.
    fn pair_rows(&self, i: usize) -> usize {
        let width = cells(&self.lines[i].text).len();
        if !width.is_multiple_of(2) {
            return 0;
        }
        self.lines[i..]
            .iter()
            .take_while(|l| {
                let c = cells(&l.text);
                l.text.contains('\t')
                    && c.len() == width
                    && c.chunks(2).all(|p| p[0].is_empty() || is_label(p[0]))
                    && c.chunks(2).any(|p| !p[0].is_empty())
            })
            .count()
    }

    /// The next line with text after line `i`.
    fn next_text(&self, i: usize) -> Option<usize> {
        (i + 1..self.lines.len()).find(|&j| !self.lines[j].text.trim().is_empty())
    }

    /// Line `j` is a short note (an instruction in parentheses) between a
    /// question and its boxes.
    fn question_gap(&self, j: usize) -> bool {
        let t = self.lines[j].text.trim();
        t.starts_with('(')
            && t.ends_with(')')
            && self
                .next_text(j)
                .is_some_and(|k| has_marks(&self.lines[k].text))
    }

    /// Line `j` reads as labels (`Label:` or a label cell).
    fn is_label_line(&self, j: usize) -> bool {
        let t = self.lines[j].text.trim();
        !split_colons(t, false).is_empty() || t.contains('\t')
    }

    /// A label cell and the cell of its value, the label on line `line`.
    fn cell_value(&mut self, label: &str, value: &str, line: usize) {
        let label = label.trim().trim_end_matches(':').trim();
        if label.is_empty() {
            return;
        }
        if has_marks(value) {
            let q = self.fields.len();
            self.fields.push(Drafted::new(label, "", line));
            self.add_options(q, value);
            return;
        }
        self.fields.push(Drafted::new(label, value, line));
    }

    /// A piece of text with `Label: value` pairs, a question and its boxes,
    /// or a box after its label. Gives the field of a question left open.
    fn segment(&mut self, text: &str, no: usize, question_below: bool) -> Option<usize> {
        if has_marks(text) {
            let first = first_mark(text);
            let before = text[..first].trim().trim_end_matches(':').trim();
            if !before.is_empty() && is_label(before) {
                let opts = options_of(&text[first..]);
                let q = self.fields.len();
                if opts.iter().all(|(_, o)| o.is_empty()) && opts.len() == 1 {
                    // `Needs parking? ☒`
                    let mut f = Drafted::new(before, "", no);
                    f.kind = "box";
                    f.example = opts[0].0.to_string();
                    self.fields.push(f);
                    return None;
                }
                self.fields.push(Drafted::new(before, "", no));
                self.add_options(q, &text[first..]);
                return None;
            }
            return None;
        }
        let pairs = split_colons(text, question_below);
        if pairs.is_empty() {
            return None;
        }
        let mut open = None;
        for (label, value) in pairs {
            if label.is_empty() {
                continue;
            }
            self.fields.push(Drafted::new(&label, &value, no));
            if value.is_empty() {
                open = Some(self.fields.len() - 1);
            }
        }
        open
    }

    /// Adds the options after the boxes of `text` to group `q`.
    fn add_options(&mut self, q: usize, text: &str) {
        let f = &mut self.fields[q];
        for (mark, option) in options_of(text) {
            if option.is_empty() || f.options.iter().any(|o| o.1 == option) {
                continue;
            }
            f.options.push((mark.to_string(), option));
        }
        let folded: Vec<String> = f
            .options
            .iter()
            .map(|o| fold(&o.1).to_lowercase())
            .collect();
        let checked = f.options.iter().filter(|o| o.0 == "☒").count();
        f.kind = match folded.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["sim", "nao"] | ["nao", "sim"] | ["yes", "no"] | ["no", "yes"] => "yesno",
            _ if checked == 1 => "single",
            _ => "multiple",
        };
        f.example = f
            .options
            .iter()
            .filter(|o| o.0 == "☒")
            .map(|o| o.1.as_str())
            .collect::<Vec<_>>()
            .join(", ");
    }

    fn write(mut self, name: &str, fillable: bool) -> String {
        let title = self.title.clone().unwrap_or_default();
        self.fields
            .retain(|f| f.kind != "box" || !f.label.is_empty());
        self.fields
            .retain(|f| !f.label.is_empty() || f.pdf_field.is_some());
        // Boxes with no text after them (marks in a row under their
        // options): no group to draft; the label stays, as text.
        for f in &mut self.fields {
            if matches!(f.kind, "single" | "multiple" | "yesno") && f.options.is_empty() {
                f.kind = "text";
                f.example = "boxes with no option text: see `formsift explain`".into();
            }
        }
        self.assign_keys();
        self.assign_rows();
        let us = self.fields.iter().any(|f| american(&f.example));
        let mut out = String::new();
        out.push_str(&format!(
            "# Drafted by `formsift draft` from one form: check each field, its\n\
             # type and its label, then read forms with `formsift explain -t`.\n\
             name = {}\n",
            toml_string(name)
        ));
        out.push_str(&format!(
            "title = {}\n",
            toml_string(&if title.is_empty() {
                "TITLE".to_string()
            } else {
                literal_pattern(&title)
            })
        ));
        if title.is_empty() {
            out.push_str("# No title line was found: write the form's title here.\n");
        }
        if us {
            out.push_str("# Dates month first, amounts as $1,234.56:\nlocale = \"en-US\"\n");
        }
        let shared = self.shared_labels();
        for f in &self.fields {
            out.push_str("\n[[field]]\n");
            if !f.example.is_empty() {
                out.push_str(&format!("# {}\n", comment(&f.example)));
            }
            out.push_str(&format!("key = {}\n", toml_string(&f.key)));
            if f.kind != "text" {
                out.push_str(&format!("type = \"{}\"\n", f.kind));
            }
            match &f.pdf_field {
                None if f.kind == "signature" => {
                    out.push_str(&format!(
                        "# A name alone on the last line: two to six capitalised words.\npattern = {}\n",
                        toml_string(SIGNATURE)
                    ));
                }
                Some(p) => {
                    out.push_str(&format!("pdf_field = {}\n", toml_string(p)));
                }
                None => {
                    out.push_str(&format!(
                        "label = {}\n",
                        toml_string(&literal_pattern(&f.label))
                    ));
                    // A label printed more than once goes to the field
                    // of the row it stands in: every field says its row.
                    if !shared.is_empty() {
                        out.push_str(&format!("row = \"row{}\"\n", f.row));
                    }
                }
            }
            if f.block {
                out.push_str("block = true\n");
            }
            if let Some(p) = f.position {
                out.push_str(&format!("position = \"{p}\"\n"));
            }
            if !f.options.is_empty() {
                if f.kind == "single" {
                    out.push_str("# one box checked in this form: `multiple` if several may be\n");
                }
                out.push_str("options = [\n");
                let mut codes: Vec<String> = Vec::new();
                for (i, (_, label)) in f.options.iter().enumerate() {
                    let code = if f.kind == "yesno" {
                        let l = fold(label).to_lowercase();
                        if l == "sim" || l == "yes" {
                            "yes"
                        } else {
                            "no"
                        }
                        .to_string()
                    } else {
                        unique(slug(label, &format!("option_{}", i + 1)), &codes)
                    };
                    out.push_str(&format!(
                        "  {{ code = {}, label = {} }},\n",
                        toml_string(&code),
                        toml_string(&literal_pattern(label))
                    ));
                    codes.push(code);
                }
                out.push_str("]\n");
            }
        }
        if fillable {
            out.push_str(
                "\n# The PDF is fillable: its fields are read by name. The page's own\n\
                 # labels (see `formsift explain`) may be added as `label`.\n",
            );
        }
        out
    }

    /// Keys from labels (`Nome dentista` gives `nome_dentista`), each once.
    fn assign_keys(&mut self) {
        let mut keys: Vec<String> = Vec::new();
        for (i, f) in self.fields.iter_mut().enumerate() {
            let key = unique(slug(&f.label, &format!("field_{}", i + 1)), &keys);
            keys.push(key.clone());
            f.key = key;
        }
    }

    /// A label alone on its line (or with only labels printed elsewhere too)
    /// goes with the row of the label line before it, as `Obs.` under
    /// `2º contato`.
    fn assign_rows(&mut self) {
        self.drop_reprints();
        let mut last_unique_row: Option<usize> = None;
        for (range, all_shared) in self.row_groups() {
            if all_shared {
                if let Some(r) = last_unique_row {
                    for f in &mut self.fields[range] {
                        f.row = r;
                    }
                }
            } else {
                last_unique_row = Some(self.fields[range.start].row);
            }
        }
        // Two fields of one row sharing a label: the later one gets a row
        // of its own.
        for k in 0..self.fields.len() {
            let clash = (0..k).any(|j| {
                self.fields[j].row == self.fields[k].row
                    && fold(&self.fields[j].label).to_lowercase()
                        == fold(&self.fields[k].label).to_lowercase()
            });
            if clash {
                self.fields[k].row = 1_000_000 + k;
            }
        }
    }

    /// A label printed again on a line of labels printed before, under
    /// another such line (an instruction page that repeats the form's
    /// labels), is the same field again: drafted once.
    fn drop_reprints(&mut self) {
        let folded = |f: &Drafted| fold(&f.label).to_lowercase();
        let mut keep = vec![true; self.fields.len()];
        let mut previous_led = false;
        for (range, all_shared) in self.row_groups() {
            let seen_before = self.fields[range.clone()].iter().all(|f| {
                self.fields[..range.start]
                    .iter()
                    .zip(&keep)
                    .any(|(g, k)| *k && folded(g) == folded(f))
            });
            if all_shared && seen_before && !previous_led {
                keep[range].fill(false);
            }
            previous_led = !all_shared;
        }
        let mut k = keep.into_iter();
        self.fields.retain(|_| k.next().unwrap_or(true));
    }

    /// The runs of fields drafted from one row, and whether every label of
    /// the run is printed by other fields too.
    fn row_groups(&self) -> Vec<(std::ops::Range<usize>, bool)> {
        let shared = self.shared_labels();
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.fields.len() {
            let row = self.fields[i].row;
            let end = (i..self.fields.len())
                .find(|&k| self.fields[k].row != row)
                .unwrap_or(self.fields.len());
            let all_shared = self.fields[i..end]
                .iter()
                .all(|f| shared.contains(&fold(&f.label).to_lowercase()));
            out.push((i..end, all_shared));
            i = end;
        }
        out
    }

    /// Labels (folded) printed by more than one field.
    fn shared_labels(&self) -> Vec<String> {
        let labels: Vec<String> = self
            .fields
            .iter()
            .filter(|f| f.pdf_field.is_none())
            .map(|f| fold(&f.label).to_lowercase())
            .collect();
        let mut shared: Vec<String> = labels
            .iter()
            .filter(|l| labels.iter().filter(|m| m == l).count() > 1)
            .cloned()
            .collect();
        shared.dedup();
        shared
    }
}

/// What a signature looks like: a person's name (two to six capitalised
/// words, linking `de/da/do/dos/das/e`, initials).
const SIGNATURE: &str = r"^\p{Lu}[\p{L}'’.-]*(?:\s+(?:d[aeo]s?|e|\p{Lu}[\p{L}'’.-]*)){1,5}$";

/// Cells of a tab-separated row, trimmed.
fn cells(text: &str) -> Vec<&str> {
    text.split('\t').map(str::trim).collect()
}

fn cells_of(text: &str) -> Vec<&str> {
    if text.contains('\t') {
        cells(text)
    } else {
        vec![text.trim()]
    }
}

/// Text that reads as a label: letters first, a few words, no value shape.
fn is_label(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').trim();
    let words = t.split_whitespace().count();
    let first = t.chars().next();
    // Digits only in an ordinal (`1º contato`, `nº de vidas`).
    let ordinal = t.contains('º');
    (1..=7).contains(&words)
        && t.chars().count() <= 60
        && first.is_some_and(|c| c.is_alphabetic() || (ordinal && c.is_ascii_digit()))
        && kind_of(t) == "text"
        && (ordinal || !t.chars().any(|c| c.is_ascii_digit()))
        && t.split_whitespace()
            .all(|w| kind_of(w) == "text" || w.contains('º'))
        && !t.contains(": ")
        && !has_marks(t)
}

/// The boxes of a line, as recognition reads them (☒ ☐, `[x]`, `(X)`,
/// ✔, Wingdings...).
fn marks_in(text: &str) -> Vec<marks::MarkAt> {
    marks::find_marks(text, 0, text.len())
}

fn has_marks(text: &str) -> bool {
    !marks_in(text).is_empty()
}

/// The line starts with a box.
fn marks_lead(text: &str) -> bool {
    marks::content_start(text).1
}

fn first_mark(text: &str) -> usize {
    marks_in(text).first().map_or(text.len(), |m| m.start)
}

/// `(mark, option text)` for each box of `text`: `☒` for a checked one.
fn options_of(text: &str) -> Vec<(&'static str, String)> {
    let found = marks_in(text);
    found
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let end = found.get(i + 1).map_or(text.len(), |n| n.start);
            let mark = if m.mark == marks::Mark::Checked {
                "☒"
            } else {
                "☐"
            };
            (mark, text[m.end..end].trim().to_string())
        })
        .collect()
}

/// `(label, value)` pairs of `Label: value` text: a value ends where the
/// next label begins (its shape first: a date, a number; else the last
/// capitalised word before the next colon). Text before the first label
/// that reads as a label of its own (`Atende outros convênios Quais?:`)
/// is a label with no value. Empty when the text has no `Label:`.
fn split_colons(text: &str, question_below: bool) -> Vec<(String, String)> {
    // Colons that end a label: followed by a space or the end, not in a
    // time (10:05) or an address.
    let b = text.as_bytes();
    let colons: Vec<usize> = (0..b.len())
        .filter(|&i| {
            b[i] == b':'
                && b.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t')
                && i > 0
                && !b[i - 1].is_ascii_digit()
        })
        .collect();
    if colons.is_empty() || text.trim_start().starts_with(['[', '(', '-', '*', '#']) {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    // The first label: from the line's start, or its last words.
    let head = &text[..colons[0]];
    // The line's first words are a label of their own only as a question
    // for boxes below (`Atende outros convênios Quais?:`) or an entry's
    // head (`1º contato Data:`).
    let (lead, label) = split_label(head, true);
    let (lead, label) = if question_below || lead.contains('º') {
        (lead, label)
    } else {
        (String::new(), head.trim().to_string())
    };
    if !is_label(&label) {
        return Vec::new();
    }
    if !lead.trim().is_empty() {
        if !is_label(&lead) {
            return Vec::new();
        }
        out.push((lead.trim().to_string(), String::new()));
    }
    let mut label = label;
    for (k, &c) in colons.iter().enumerate() {
        let end = colons.get(k + 1).copied().unwrap_or(text.len());
        let seg = &text[c + 1..end];
        if k + 1 == colons.len() {
            out.push((label.clone(), seg.trim().to_string()));
            break;
        }
        let (value, next) = split_label(seg, false);
        if !is_label(&next) {
            // Not a label after all: the colon is the value's.
            out.push((label.clone(), text[c + 1..].trim().to_string()));
            break;
        }
        out.push((label.clone(), value.trim().to_string()));
        label = next;
    }
    out
}

/// Splits text before a colon into what comes first (a value, or a label
/// of its own) and the label that ends it.
fn split_label(seg: &str, head: bool) -> (String, String) {
    let words: Vec<&str> = seg.split_whitespace().collect();
    if words.is_empty() {
        return (String::new(), String::new());
    }
    // A value of a known shape leads: the label is the rest.
    if !head {
        for n in (1..words.len()).rev() {
            let value = words[..n].join(" ");
            if kind_of(&value) != "text" || is_code(&value) {
                return (value, words[n..].join(" "));
            }
        }
    }
    // Else the label starts at its last capitalised word (or `nº`).
    let start = words
        .iter()
        .rposition(|w| {
            let c = w.chars().next().unwrap_or(' ');
            c.is_uppercase() || w.starts_with("nº") || w.starts_with("Nº")
        })
        .unwrap_or(0);
    let start = if start > 0 && words[start - 1].starts_with("nº") {
        start - 1
    } else {
        start
    };
    if head && start > 0 && !is_label(&words[..start].join(" ")) {
        return (String::new(), words.join(" "));
    }
    (words[..start].join(" "), words[start..].join(" "))
}

/// A line of a label then a value of a known shape (a date, a sum, an
/// id), no colon between: `(label, value)`.
fn trailing_value(text: &str) -> Option<(String, String)> {
    if text.contains(':') || has_marks(text) || text.contains('\t') {
        return None;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..words.len()).find_map(|n| {
        let (label, value) = (words[..n].join(" "), words[n..].join(" "));
        let typed = !matches!(kind_of(&value), "text" | "integer");
        (typed && is_label(&label)).then_some((label, value))
    })
}

/// A code or short upper-case value: `SAD16777636890`, `SP`, `7KQX219`.
fn is_code(text: &str) -> bool {
    !text.contains(' ')
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && (text.chars().any(|c| c.is_ascii_digit())
            || (text.len() <= 3 && text.chars().all(|c| c.is_ascii_uppercase())))
}

/// The type a value's shape says.
fn kind_of(value: &str) -> &'static str {
    let v = value.trim();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = v.split('/').collect();
    if parts.len() == 3
        && parts.iter().all(|p| digits(p))
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && matches!(parts[2].len(), 2 | 4)
    {
        return "date";
    }
    if parts.len() == 2
        && digits(parts[0])
        && parts[0].len() <= 2
        && parts[1].len() == 4
        && digits(parts[1])
    {
        return "period";
    }
    let money = v
        .strip_prefix("R$")
        .or_else(|| v.strip_prefix("US$"))
        .or_else(|| v.strip_prefix('$'));
    if let Some(m) = money {
        let m = m.trim();
        if !m.is_empty()
            && m.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return "money";
        }
    }
    let shape: String = v
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    match shape.as_str() {
        "999.999.999-99" => return "cpf",
        "99.999.999/9999-99" => return "cnpj",
        _ => {}
    }
    let grouped = |sep: char| {
        let groups: Vec<&str> = v.split(sep).collect();
        groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups.iter().all(|g| digits(g))
            && groups[1..].iter().all(|g| g.len() == 3)
    };
    if (digits(v) && v.len() <= 4 && !(v.len() > 1 && v.starts_with('0')))
        || grouped('.')
        || grouped(',')
    {
        return "integer";
    }
    "text"
}

/// A value written the American way: a date whose second part is past
/// 12, or a dollar amount.
fn american(value: &str) -> bool {
    let v = value.trim();
    if v.starts_with('$') {
        return true;
    }
    let parts: Vec<&str> = v.split('/').collect();
    kind_of(v) == "date"
        && parts[1].parse::<u32>().is_ok_and(|d| d > 12)
        && parts[0].parse::<u32>().is_ok_and(|m| m <= 12)
}

/// A key from a label: folded, lower case, words joined by `_`.
fn slug(label: &str, fallback: &str) -> String {
    let folded = fold(label).to_lowercase();
    let mut key = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let mut key = key.trim_end_matches('_').to_string();
    key.truncate(40);
    let key = key.trim_end_matches('_').to_string();
    match key.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("n{key}"),
        Some(_) => key,
    }
}

/// `key`, or `key_2`, `key_3`... when taken.
fn unique(key: String, taken: &[String]) -> String {
    if !taken.contains(&key) {
        return key;
    }
    (2..)
        .map(|n| format!("{key}_{n}"))
        .find(|k| !taken.contains(k))
        .expect("a free key")
}

/// A pattern matching `text` as printed: its words, with any white space
/// between them, punctuation as written (folded: templates match without
/// regard to case or accents).
pub fn literal_pattern(text: &str) -> String {
    let folded = fold(text.trim()).to_lowercase();
    let mut out = String::new();
    let mut space = false;
    for c in folded.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push_str(r"\s+");
        }
        space = false;
        if c.is_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&regex_syntax::escape(&c.to_string()));
        }
    }
    out
}

/// A TOML string: literal when it can be (patterns read best so).
fn toml_string(s: &str) -> String {
    if !s.contains(['\'', '\n', '\r']) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as a one-line comment.
fn comment(value: &str) -> String {
    let one: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = one.chars().take(60).collect();
    if short.len() < one.len() {
        format!("in this form: {short}…")
    } else {
        format!("in this form: {short}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_give_types() {
        assert_eq!(kind_of("13/02/2025"), "date");
        assert_eq!(kind_of("01/2025"), "period");
        assert_eq!(kind_of("R$ 1.234,56"), "money");
        assert_eq!(kind_of("$52,300.00"), "money");
        assert_eq!(kind_of("529.982.247-25"), "cpf");
        assert_eq!(kind_of("11.222.333/0001-81"), "cnpj");
        assert_eq!(kind_of("1.200"), "integer");
        assert_eq!(kind_of("12"), "integer");
        // A ZIP code or a long id is no number to sum.
        assert_eq!(kind_of("02134"), "text");
        assert_eq!(kind_of("19283"), "text");
        assert_eq!(kind_of("Maria"), "text");
    }

    #[test]
    fn several_labels_on_a_line() {
        let pairs = split_colons("Colaborador: Maria Luiza Data: 13/02/2025", false);
        assert_eq!(
            pairs,
            [
                ("Colaborador".to_string(), "Maria Luiza".to_string()),
                ("Data".to_string(), "13/02/2025".to_string())
            ]
        );
        let pairs = split_colons(
            "Cidade: São Paulo UF: SP nº de vidas: 1.200 nº CRO(S) únicos divulgados: 3",
            false,
        );
        let labels: Vec<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            labels,
            ["Cidade", "UF", "nº de vidas", "nº CRO(S) únicos divulgados"]
        );
        assert_eq!(pairs[1].1, "SP");
        let pairs = split_colons(
            "Atende outros convênios Quais?: Amil, Bradesco Dental",
            true,
        );
        assert_eq!(
            pairs[0],
            ("Atende outros convênios".to_string(), String::new())
        );
        assert_eq!(pairs[1].0, "Quais?");
        // Chat lines and times are no labels.
        assert!(split_colons("[10:05, 14/02/2025] Maria: bom dia", false).is_empty());
        assert_eq!(split_colons("Qtd CRO(s): 2", false)[0].0, "Qtd CRO(s)");
        let pairs = split_colons("1º contato Data: 13/02/2025", false);
        assert_eq!(pairs[0].0, "1º contato");
        assert_eq!(pairs[1], ("Data".to_string(), "13/02/2025".to_string()));
    }

    #[test]
    fn patterns_and_keys_from_labels() {
        assert_eq!(literal_pattern("Nome  dentista"), r"nome\s+dentista");
        assert_eq!(literal_pattern("Demandado por?"), r"demandado\s+por\?");
        assert_eq!(slug("Nº do protocolo", "x"), "no_do_protocolo");
        assert_eq!(slug("1º contato", "x"), "n1o_contato");
        assert_eq!(unique("data".into(), &["data".into()]), "data_2");
    }
}
