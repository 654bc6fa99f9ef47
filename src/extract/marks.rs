//! Checkbox marks and the options they stand before.
//!
//! A mark counts only when it stands right before an option label of the
//! group being read, so a ✓ in chat text is never a box. Marks the export
//! lost leave the option with no mark; marks that cannot be read (`?`,
//! U+FFFD, control characters from a font without a Unicode map) are
//! unreadable. Neither is ever taken as "unchecked".

use crate::input::Line;
use crate::template::Field;

/// What a box says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Checked,
    Unchecked,
    /// A mark is there but cannot be read.
    Unreadable,
}

/// The length of the mark token starting at byte `i` of `hay`, if one does:
/// a box symbol (☒ ☑ ✔ ✘ ✗ ■ ☐ □, Wingdings in the private use area, þ ý ¨
/// as Word exports them), `[x]`, `(x)`, `[ ]`, `( )`, `[]`, `()`, or what
/// a mark becomes when it cannot be read (`?`, U+FFFD, a control character).
fn mark_token(hay: &str, i: usize) -> Option<usize> {
    let b = hay.as_bytes();
    let c = hay[i..].chars().next()?;
    match c {
        '☒' | '☑' | '✔' | '✘' | '✗' | '■' | '☐' | '□' | '\u{F0FE}' | '\u{F0FD}' | '\u{F078}'
        | '\u{F0A8}' | '\u{F06F}' | 'þ' | 'ý' | '¨' | '?' | '\u{FFFD}' => Some(c.len_utf8()),
        '\x00'..='\x08' | '\x0B' | '\x0E'..='\x1F' => Some(1),
        '[' | '(' => {
            let close = if c == '[' { b']' } else { b')' };
            match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'x' | b'X' | b' '), Some(&n)) if n == close => Some(3),
                (Some(&n), _) if n == close => Some(2),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Where a line's text starts: after white space, bullets and box marks.
/// Also tells whether a mark stood there.
pub fn content_start(clean: &str) -> (usize, bool) {
    let mut at = 0;
    let mut marked = false;
    loop {
        let rest = &clean[at..];
        let trimmed = rest.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '*' | '•' | '>' | '|')
        });
        at += rest.len() - trimmed.len();
        let could_be_mark = trimmed.chars().next().is_some_and(|c| {
            matches!(
                c,
                '☒' | '☑'
                    | '✔'
                    | '✘'
                    | '✗'
                    | '■'
                    | '['
                    | '('
                    | '☐'
                    | '□'
                    | 'þ'
                    | 'ý'
                    | '¨'
                    | '?'
                    | '\u{FFFD}'
            ) || ('\u{F000}'..='\u{F0FF}').contains(&c)
                || (c.is_control() && c != '\t')
        });
        if !could_be_mark {
            return (at, marked);
        }
        // A mark is at most three characters long: look no further.
        let end = clean[at..]
            .char_indices()
            .nth(3)
            .map_or(clean.len(), |(i, _)| at + i);
        match find_marks(clean, at, end).first() {
            Some(m) if m.start == at => {
                at = m.end;
                marked = true;
            }
            _ => return (at, marked),
        }
    }
}

/// Reads one mark token.
pub fn classify(token: &str) -> Mark {
    match token {
        "☒" | "☑" | "✔" | "✘" | "✗" | "■" | "[x]" | "[X]" | "(x)" | "(X)" | "\u{F0FE}"
        | "\u{F0FD}" | "\u{F078}" | "þ" | "ý" => Mark::Checked,
        "☐" | "□" | "[ ]" | "[]" | "( )" | "()" | "\u{F0A8}" | "\u{F06F}" | "¨" => {
            Mark::Unchecked
        }
        _ => Mark::Unreadable,
    }
}

/// A mark found in a line: clean byte span and its reading.
#[derive(Debug, Clone, Copy)]
pub struct MarkAt {
    pub start: usize,
    pub end: usize,
    pub mark: Mark,
}

/// The marks in `clean[from..to]`. The letter-like marks (`þ ý ¨ ?`)
/// count only standing alone between spaces.
pub fn find_marks(clean: &str, from: usize, to: usize) -> Vec<MarkAt> {
    let hay = &clean[from..to];
    let b = hay.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Letters, digits and most punctuation start no mark; nor does the
        // middle of a character.
        let x = b[i];
        if (x.is_ascii() && !matches!(x, b'[' | b'(' | b'?' | 0..=0x1f))
            || (0x80..0xc0).contains(&x)
        {
            i += 1;
            continue;
        }
        let Some(len) = mark_token(hay, i) else {
            i += 1;
            continue;
        };
        let tok = &hay[i..i + len];
        let alone = || {
            let before = hay[..i].chars().next_back();
            let after = hay[i + len..].chars().next();
            before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace)
        };
        if !matches!(tok, "þ" | "ý" | "¨" | "?") || alone() {
            out.push(MarkAt {
                start: from + i,
                end: from + i + len,
                mark: classify(tok),
            });
        }
        i += len;
    }
    out
}

/// The mark that ends `clean[from..to]` (only white space after it).
pub fn trailing_mark(clean: &str, from: usize, to: usize) -> Option<MarkAt> {
    find_marks(clean, from, to)
        .into_iter()
        .last()
        .filter(|m| clean[m.end..to].trim().is_empty())
}

/// One option found in a line.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index of the option in its group.
    pub option: usize,
    /// `None` when the option has no mark before it.
    pub mark: Option<Mark>,
    pub line: usize,
    /// The option's label and mark as written (shared with the copy kept
    /// for lines seen again, see [`read_options`]).
    pub raw: std::rc::Rc<str>,
    /// Where the option's label stands in the clean line.
    pub span: (usize, usize),
}

/// What reading options out of a span gave.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub hits: Vec<Hit>,
    /// Text in the span that is neither an option nor its mark.
    pub leftover: Vec<String>,
    /// Marks stood after their labels: they were not paired, and every
    /// option reads as unreadable.
    pub marks_after_labels: bool,
    /// Text after the last option (not in `leftover`).
    pub tail: Option<String>,
    /// Where the options and marks read stand in the line.
    pub taken: Vec<(usize, usize)>,
}

thread_local! {
    /// The options read in lines lately (see [`crate::memo`]).
    static READ: std::cell::RefCell<crate::memo::Memo<(u64, usize, usize), Options>> =
        const { std::cell::RefCell::new(crate::memo::Memo::new()) };
}

/// Reads the options of `group` in `line.clean[from..to]`.
pub(crate) fn read_options(group: &Field, line: &Line, from: usize, to: usize) -> Options {
    let mut read = with_options(group, line, from, to, Options::clone);
    for hit in &mut read.hits {
        hit.line = line.no;
    }
    read
}

/// [`read_options`] handed to `f` where it is kept: the hits' line is the
/// line where the text was first read.
pub(crate) fn with_options<R>(
    group: &Field,
    line: &Line,
    from: usize,
    to: usize,
    f: impl FnOnce(&Options) -> R,
) -> R {
    let key = (group.option_search.id(), from, to);
    READ.with_borrow_mut(|memo| {
        f(memo.get(key, &line.clean, || read_options_now(group, line, from, to)))
    })
}

fn read_options_now(group: &Field, line: &Line, from: usize, to: usize) -> Options {
    let spans = option_spans(group, line, from, to);
    let marks = find_marks(&line.clean, from, to);
    let mut out = Options::default();
    let mut used = vec![false; marks.len()];
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut prev_end = from;
    for &(start, end, option) in &spans {
        // The last mark that ends before the option (marks are in order).
        let before = marks.partition_point(|m| m.end <= start);
        let mark_at = before
            .checked_sub(1)
            .map(|i| (i, &marks[i]))
            .filter(|(_, m)| m.start >= prev_end && line.clean[m.end..start].trim().is_empty());
        let (mark, raw_start) = match mark_at {
            Some((i, m)) => {
                used[i] = true;
                covered.push((m.start, m.end));
                (Some(m.mark), m.start)
            }
            None => (None, start),
        };
        covered.push((start, end));
        out.hits.push(Hit {
            option,
            mark,
            line: line.no,
            raw: line.clean[raw_start..end].into(),
            span: (start, end),
        });
        prev_end = end;
    }
    // "Sim ☐ Não ☒": marks after their labels. Paired when each option has
    // one right after it (only white space between) and the first none
    // before it; any other mix cannot be paired safely.
    let unused_after_last = marks
        .iter()
        .zip(&used)
        .any(|(m, u)| !u && m.start >= prev_end);
    if unused_after_last && pair_after(&line.clean, &spans, &marks, &mut out.hits, to) {
        for m in &marks {
            covered.push((m.start, m.end));
        }
        prev_end = marks.last().map_or(prev_end, |m| m.end);
    } else if unused_after_last && out.hits.first().is_some_and(|h| h.mark.is_none()) {
        out.marks_after_labels = true;
        let span = line.clean[from..to].trim().to_string();
        for h in out.hits.iter_mut() {
            h.mark = Some(Mark::Unreadable);
            h.raw = format!("{span} (marks after the labels)").into();
        }
        for (i, m) in marks.iter().enumerate() {
            if !used[i] {
                covered.push((m.start, m.end));
            }
        }
    }
    out.taken = covered.clone();
    // Text after the last option: the start of an option whose label the
    // line wrapped, or stray text.
    let tail_start = covered
        .iter()
        .map(|c| c.1)
        .max()
        .unwrap_or(from)
        .max(prev_end);
    if !out.marks_after_labels && tail_start < to {
        let tail = line.clean[tail_start..to].trim();
        if tail.chars().any(char::is_alphanumeric) {
            out.tail = Some(tail.to_string());
            covered.push((tail_start, to));
        }
    }
    out.leftover = uncovered(&line.clean, from, to, &mut covered);
    out
}

/// Pairs each option with the one mark right after it, when every option
/// of the span has exactly that and the first none before it (`Sim ☐ Não
/// ☒`, or `Desligamento ☒` alone on its line).
fn pair_after(
    clean: &str,
    spans: &[(usize, usize, usize)],
    marks: &[MarkAt],
    hits: &mut [Hit],
    to: usize,
) -> bool {
    // Read the other way, each mark after an option would stand before the
    // next one: the first option's having none tells the two apart.
    if marks.len() != spans.len() || hits.first().is_none_or(|h| h.mark.is_some()) {
        return false;
    }
    for (i, (&(_, end, _), m)) in spans.iter().zip(marks).enumerate() {
        let next = spans.get(i + 1).map_or(to, |s| s.0);
        if m.start < end || m.end > next || !clean[end..m.start].trim().is_empty() {
            return false;
        }
    }
    for ((h, m), &(start, _, _)) in hits.iter_mut().zip(marks).zip(spans) {
        h.mark = Some(m.mark);
        h.raw = clean[start..m.end].into();
    }
    true
}

/// Option labels in the span: clean `(start, end, option)`, in order, not
/// overlapping (the longest wins where two start together).
fn option_spans(group: &Field, line: &Line, from: usize, to: usize) -> Vec<(usize, usize, usize)> {
    let folded = line.folded();
    let mut spans = Vec::new();
    for (i, ms, me) in group.option_search.find_words(&folded.text) {
        let (s, e) = (folded.to_clean(ms), folded.end_to_clean(me));
        if s >= from && e <= to {
            spans.push((s, e, i));
        }
    }
    super::keep_longest_first(&mut spans);
    spans
}

/// The pieces of `[from, to)` not covered, as trimmed text worth keeping.
pub fn uncovered(
    clean: &str,
    from: usize,
    to: usize,
    covered: &mut [(usize, usize)],
) -> Vec<String> {
    covered.sort_unstable();
    let mut out = Vec::new();
    let mut at = from;
    for &(s, e) in covered.iter() {
        if s > at {
            push_text(&clean[at..s], &mut out);
        }
        at = at.max(e);
    }
    if at < to {
        push_text(&clean[at..to], &mut out);
    }
    out
}

fn push_text(piece: &str, out: &mut Vec<String>) {
    let t = piece.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '|'));
    if t.chars().any(|c| c.is_alphanumeric()) || !find_marks(t, 0, t.len()).is_empty() {
        out.push(t.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_of_the_spec() {
        for m in [
            "☒", "☑", "✔", "✘", "■", "[x]", "[X]", "(x)", "(X)", "\u{F0FE}", "\u{F0FD}",
            "\u{F078}", "þ", "ý",
        ] {
            assert_eq!(classify(m), Mark::Checked, "{m}");
        }
        for m in ["☐", "□", "[ ]", "( )", "\u{F0A8}", "\u{F06F}", "¨"] {
            assert_eq!(classify(m), Mark::Unchecked, "{m}");
        }
        for m in ["?", "\u{FFFD}", "\u{0}"] {
            assert_eq!(classify(m), Mark::Unreadable, "{m:?}");
        }
    }

    /// The marks as one regex: the tokenizer must find the same tokens.
    fn by_regex(hay: &str) -> Vec<(usize, usize)> {
        let re = regex::Regex::new(concat!(
            r"☒|☑|✔|✘|✗|■|\[[xX]\]|\([xX]\)|☐|□|\[ ?\]|\( ?\)",
            r"|\x{F0FE}|\x{F0FD}|\x{F078}|\x{F0A8}|\x{F06F}",
            r"|[þý¨?\x{FFFD}]|[\x00-\x08\x0B\x0E-\x1F]",
        ))
        .unwrap();
        re.find_iter(hay)
            .filter(|m| {
                !matches!(m.as_str(), "þ" | "ý" | "¨" | "?")
                    || (hay[..m.start()]
                        .chars()
                        .next_back()
                        .is_none_or(char::is_whitespace)
                        && hay[m.end()..]
                            .chars()
                            .next()
                            .is_none_or(char::is_whitespace))
            })
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_tokenizer_finds_what_the_regex_finds(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "☒", "☐", "☑", "✔", "■", "□", "[", "]", "(", ")", "x", "X", " ", "\t",
                "þ", "ý", "¨", "?", "\u{FFFD}", "\u{F0FE}", "\u{F0A8}", "\u{1}", "\u{1f}",
                "\n", "Sim", "Não", "ação", "1º", "-",
            ]), 0..24)
        ) {
            let hay: String = pieces.concat();
            let got: Vec<(usize, usize)> =
                find_marks(&hay, 0, hay.len()).iter().map(|m| (m.start, m.end)).collect();
            proptest::prop_assert_eq!(got, by_regex(&hay), "{:?}", hay);
        }
    }

    #[test]
    fn letter_marks_only_standing_alone() {
        let all = |s: &str| find_marks(s, 0, s.len());
        assert_eq!(all("þ Sim ¨ Não").len(), 2);
        assert!(all("Demandado por? x").is_empty());
        assert!(all("Jýrgen").is_empty());
    }
}
