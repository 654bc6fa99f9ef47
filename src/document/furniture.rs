//! Headers and footers of a laid-out document (PDF text, a text export
//! with form feeds): lines repeated at the top or the bottom of the pages,
//! which a reader of the page layout finds in the body. They move to
//! [`Document::furniture`], so no note takes a footer's "Página 2" and no
//! label in a header ("Operadora Odontolife - uso interno") takes a value.
//!
//! A line is a page's edge when it is one of the first two or last two
//! non-empty paragraphs of its page. An edge line is a candidate when the
//! same text, page numbers aside, stands at the same edge of every page
//! but one, at least two, and (where lines have boxes) at the same height
//! on each. What the template reads then decides ([`Reads`]), since a PDF
//! of many forms repeats each form's lines on every page:
//! - a form's title is never furniture;
//! - a line with a label is furniture only as a header above a title;
//! - another line at the top is furniture where it stands above the title,
//!   or on pages where no form starts;
//! - another line at the bottom is furniture when it is also the end of a
//!   page where no form starts, or its page numbers differ from page to
//!   page: fifty copies of one form, each on its page, end alike, and that
//!   end is the form's.

use super::{Block, Content, Document, Inline, Part};

/// What a template makes of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// The line starts with the form's title.
    Title,
    /// The line holds a label of the template.
    Label,
    Nothing,
}

/// How many paragraphs at each edge of a page may be furniture.
const EDGE: usize = 2;

/// How far apart (points) the same header may stand on two pages.
const SAME_HEIGHT: f32 = 3.0;

/// Moves the repeated headers and footers of `doc`'s pages to its
/// furniture; `reads` says what the template makes of a line.
pub fn take_repeated_edges(doc: &mut Document, reads: impl Fn(&str) -> Reads) {
    let pages = pages(&doc.blocks);
    if pages.len() < 2 {
        return;
    }
    // (top?, key) -> (page, block) that show it, one per page.
    let mut seen: Vec<(bool, String, Vec<(usize, usize)>)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let texts: Vec<usize> = page
            .iter()
            .copied()
            .filter(|&i| text_of(&doc.blocks[i]).is_some_and(|t| !t.trim().is_empty()))
            .collect();
        let top = texts.iter().take(EDGE).map(|&i| (true, i));
        let bottom = texts.iter().rev().take(EDGE).map(|&i| (false, i));
        let mut here: Vec<(bool, String)> = Vec::new();
        for (is_top, i) in top.chain(bottom) {
            let key = key(&text_of(&doc.blocks[i]).unwrap_or_default());
            // A short page's line is its top and its bottom: counted once.
            if here.iter().any(|(t, k)| *t == is_top && *k == key) {
                continue;
            }
            here.push((is_top, key.clone()));
            match seen.iter_mut().find(|(t, k, _)| *t == is_top && *k == key) {
                Some((_, _, at)) => at.push((p, i)),
                None => seen.push((is_top, key, vec![(p, i)])),
            }
        }
    }
    let needed = (pages.len() - 1).max(2);
    // Where each page's first title is, found when first needed.
    let mut titles: Option<Vec<Option<usize>>> = None;
    let mut furniture: Vec<(usize, Part)> = Vec::new();
    for (is_top, _, at) in seen {
        let at = same_height(&doc.blocks, at);
        if at.len() < needed {
            continue;
        }
        let text = text_of(&doc.blocks[at[0].1]).unwrap_or_default();
        let what = reads(&text);
        if what == Reads::Title {
            continue;
        }
        let titles = titles.get_or_insert_with(|| {
            pages
                .iter()
                .map(|page| {
                    page.iter().copied().find(|&i| {
                        text_of(&doc.blocks[i]).is_some_and(|t| reads(&t) == Reads::Title)
                    })
                })
                .collect()
        });
        let above_title = |&(p, i): &(usize, usize)| titles[p].is_some_and(|t| i < t);
        let untitled = |&(p, _): &(usize, usize)| titles[p].is_none();
        let is_furniture = match (is_top, what) {
            // A header above the form's title; or, on pages where no form
            // starts, the line each page begins with.
            (true, Reads::Label) => at.iter().any(above_title),
            (true, _) => at.iter().all(|o| above_title(o) || untitled(o)),
            (false, Reads::Label) => false,
            // A page's last line, below a form of its own on each page, is
            // that form's (fifty copies of one form end alike), unless it
            // numbers the pages, or is also the end of a page no form
            // starts on.
            (false, _) => {
                at.iter().any(untitled) || {
                    let first = text_of(&doc.blocks[at[0].1]);
                    at.iter().any(|&(_, i)| text_of(&doc.blocks[i]) != first)
                }
            }
        };
        if is_furniture {
            let part = if is_top { Part::Header } else { Part::Footer };
            furniture.extend(at.into_iter().map(|(_, i)| (i, part)));
        }
    }
    if furniture.is_empty() {
        return;
    }
    furniture.sort_unstable_by_key(|&(i, _)| i);
    furniture.dedup_by_key(|&mut (i, _)| i);
    let mut next = furniture.iter().peekable();
    let blocks = std::mem::take(&mut doc.blocks);
    for (i, mut block) in blocks.into_iter().enumerate() {
        match next.next_if(|&&(at, _)| at == i) {
            Some(&(_, part)) => {
                block.part = part;
                doc.furniture.push(block);
            }
            None => doc.blocks.push(block),
        }
    }
}

/// The indices of the top-level blocks of each page, pages in order.
fn pages(blocks: &[Block]) -> Vec<Vec<usize>> {
    let mut pages: Vec<(u32, Vec<usize>)> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let Some(page) = b.page else { continue };
        match pages.last_mut() {
            Some((p, at)) if *p == page => at.push(i),
            _ => pages.push((page, vec![i])),
        }
    }
    pages.into_iter().map(|(_, at)| at).collect()
}

/// A paragraph's text (marks left out); `None` for a table.
fn text_of(block: &Block) -> Option<String> {
    let Content::Paragraph(p) = &block.content else {
        return None;
    };
    let mut s = String::new();
    for inline in &p.inlines {
        match inline {
            Inline::Text(t) => s.push_str(t),
            Inline::Tab | Inline::Break => s.push(' '),
            // A line with a box is part of a form.
            Inline::Mark(_) => return None,
        }
    }
    Some(s)
}

/// The text as compared across pages: digits (page numbers) as `#`, runs
/// of spaces as one, case folded.
fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii_digit() {
                if !out.ends_with('#') {
                    out.push('#');
                }
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The blocks of `at` that stand at the height of the first (all of them
/// when the blocks have no boxes).
fn same_height(blocks: &[Block], at: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let Some(first) = blocks[at[0].1].bbox else {
        return at;
    };
    at.into_iter()
        .filter(|&(_, i)| {
            blocks[i]
                .bbox
                .is_some_and(|b| (b.y - first.y).abs() <= SAME_HEIGHT)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::exported::document;

    /// The test's template: title "Formulário", labels "Operadora" and
    /// "Qtd".
    fn reads(line: &str) -> Reads {
        let line = line.trim();
        if line.starts_with("Formulário") {
            Reads::Title
        } else if line.contains("Operadora") || line.contains("Qtd") {
            Reads::Label
        } else {
            Reads::Nothing
        }
    }

    fn split(text: &str) -> (String, String) {
        let mut doc = document(text);
        take_repeated_edges(&mut doc, reads);
        let furniture = Document::from(std::mem::take(&mut doc.furniture));
        (doc.line_view().text, furniture.line_view().text)
    }

    #[test]
    fn a_header_with_a_label_above_the_title_and_numbered_footers_are_furniture() {
        let text = "Operadora X - uso interno\nFormulário\nQtd 1\nObs.:\nnote\nPágina 1\n\
                    \u{c}Operadora X - uso interno\nMotivo\nend of note\nPágina 2\n";
        let (body, furniture) = split(text);
        assert_eq!(
            body,
            "Formulário\nQtd 1\nObs.:\nnote\nMotivo\nend of note\n"
        );
        assert_eq!(
            furniture,
            "Operadora X - uso interno\nPágina 1\nOperadora X - uso interno\nPágina 2\n"
        );
    }

    #[test]
    fn titles_and_label_lines_of_one_form_a_page_stay() {
        // A PDF of many forms: each page's title and first labels repeat.
        let text = "Formulário\nQtd 1\nObs.: a\n\u{c}Formulário\nQtd 1\nObs.: b\n\
                    \u{c}Formulário\nQtd 2\nObs.: c\n";
        let (body, furniture) = split(text);
        assert_eq!(body, text.replace('\u{c}', ""));
        assert_eq!(furniture, "");
    }

    #[test]
    fn the_same_last_lines_of_one_form_a_page_stay_and_page_numbers_go() {
        let text = "Formulário\nQtd 1\nnote\nAna Silva\nPágina 1\n\
                    \u{c}Formulário\nQtd 2\nnote\nAna Silva\nPágina 2\n";
        let (body, furniture) = split(text);
        assert_eq!(
            body,
            "Formulário\nQtd 1\nnote\nAna Silva\nFormulário\nQtd 2\nnote\nAna Silva\n"
        );
        assert_eq!(furniture, "Página 1\nPágina 2\n");
    }

    #[test]
    fn a_line_on_too_few_pages_or_mid_page_stays() {
        // "Página" on two of four pages; "rodapé" in the middle of pages.
        let text = "a\nb\nrodapé\nc\nd\nPágina 1\n\u{c}e\nf\nrodapé\ng\nh\nPágina 2\n\
                    \u{c}i\nj\nrodapé\nk\nl\n\u{c}m\nn\nrodapé\no\np\n";
        let (_, furniture) = split(text);
        assert_eq!(furniture, "");
    }

    #[test]
    fn one_page_has_no_furniture() {
        let (_, furniture) = split("Página 1\nFormulário\nPágina 1\n");
        assert_eq!(furniture, "");
    }
}
