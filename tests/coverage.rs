//! Nothing the form said is dropped: every non-blank line of every fixture
//! (text exports, and the line view of Word and LibreOffice originals)
//! is taken, piece by piece, by a label, a value, a box, a note, a printed
//! instruction or `unplaced`. Each piece a line gave is cut out of it; what
//! is left must have no letter or digit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use formsift::input::lines::split_lines;
use formsift::input::text::decode;
use formsift::{extract, Template};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| ["txt", "docx", "docm", "odt"].iter().any(|e| x == *e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Lines whose letters and digits are not all accounted for.
fn unaccounted(t: &Template, text: &str) -> Vec<(usize, String)> {
    let lines = split_lines(text);
    let pieces: Vec<(usize, String)> = extract::extract_traced(t, &lines)
        .into_iter()
        .flat_map(|f| f.accounted)
        .collect();
    leftovers(&lines, pieces)
}

/// Cuts each piece out of its line; gives the lines with letters or digits left.
fn leftovers(
    lines: &[formsift::input::Line],
    pieces: Vec<(usize, String)>,
) -> Vec<(usize, String)> {
    let mut by_line: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (no, piece) in pieces {
        by_line.entry(no).or_default().push(piece);
    }
    let mut missing = Vec::new();
    for line in lines.iter().filter(|l| !l.is_blank()) {
        let mut rest = line.clean.to_string();
        let mut mine = by_line.remove(&line.no).unwrap_or_default();
        mine.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for p in mine.iter().filter(|p| !p.is_empty()) {
            if let Some(at) = rest.find(p.as_str()) {
                rest.replace_range(at..at + p.len(), " ");
            }
        }
        if rest.chars().any(char::is_alphanumeric) {
            missing.push((line.no, rest.trim().to_string()));
        }
    }
    missing
}

fn check(t: &Template, path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).unwrap();
    let name = path.to_string_lossy();
    // Word and LibreOffice originals: the lines of their layout model.
    let text = if formsift::input::office::named(&name).is_some() {
        formsift::input::office::read(&bytes, &name)
            .ok()?
            .line_view()
            .text
    } else {
        decode(&bytes).ok()?.text
    };
    let missing = unaccounted(t, &text);
    (!missing.is_empty()).then(|| format!("{}: {missing:?}", path.display()))
}

#[test]
fn every_line_of_every_text_fixture_is_accounted_for() {
    let retention = Template::default_template();
    let ficha = Template::load("ficha-cadastro").unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in fixtures("fixtures") {
        let t = if path.to_string_lossy().contains("ficha-cadastro") {
            &ficha
        } else {
            &retention
        };
        checked += 1;
        failures.extend(check(t, &path));
    }
    assert!(checked >= 40, "only {checked} fixtures read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_check_catches_a_dropped_piece() {
    let lines = split_lines("Colaborador Maria Data 13/02/2025\n\nsolta\n");
    let all = vec![
        (1, "Colaborador".to_string()),
        (1, "Maria".to_string()),
        (1, "Data".to_string()),
        (1, "13/02/2025".to_string()),
        (3, "solta".to_string()),
    ];
    assert!(leftovers(&lines, all.clone()).is_empty());
    let dropped: Vec<_> = all.into_iter().filter(|p| p.1 != "Maria").collect();
    assert_eq!(leftovers(&lines, dropped), vec![(1, "Maria".to_string())]);
}

#[test]
fn a_template_that_knows_little_still_accounts_for_every_line() {
    let t = Template::from_toml(
        "name='t'\ntitle='formulario'\n[[field]]\nkey='a'\nlabel='alfa'\n",
        "t",
    )
    .unwrap();
    assert!(unaccounted(&t, "Formulario\nalfa 1\nbeta gama\n").is_empty());
}
