//! The tables and wrapped paragraphs of text exports, as converters write
//! them: markdown pipe tables (markitdown, pandoc, GitHub), pandoc's
//! plain-text tables (simple and multiline, with dashed rules) and grid
//! tables (`+---+`), and paragraphs wrapped at a fixed width (pandoc at 72
//! columns). Each table is found from its own lines, never from a
//! template; [`crate::input::exported`] makes them tables of the layout
//! model, so recognition reads a row of labels over a row of values as it
//! reads a Word table.
//!
//! Markdown's own escapes and entities are undone in the text of these
//! files (see [`unmark`]).

/// A table found in the text.
#[derive(Debug, PartialEq)]
pub struct Found {
    /// Each row: the index of its first line, and its cells' text (a cell's
    /// paragraphs separated by `\n`).
    pub rows: Vec<(usize, Vec<String>)>,
    /// The index of the first line after the table.
    pub next: usize,
}

/// True when a text may hold one of these shapes (a cheap look at its
/// bytes; [`table_at`] and [`wrap_width`] decide).
pub fn may_have_shapes(text: &str) -> bool {
    let b = text.as_bytes();
    // `<` for `<table` and `<br`: rare enough in forms to look at each.
    memchr::memchr3(b'|', b'\\', b'&', b).is_some()
        || memchr::memchr_iter(b'<', b).any(|i| {
            let rest = &b[i + 1..];
            rest.starts_with(b"table") || rest.starts_with(b"br")
        })
        || memchr::memmem::find(b, b"---").is_some()
        || wrap_width_of(b).is_some()
        || has_aligned_rows(b)
}

/// Two lines running, each with a gap of three spaces or more between
/// text: column-aligned text may be there (see [`aligned_table`]).
fn has_aligned_rows(b: &[u8]) -> bool {
    if memchr::memmem::find(b, b"   ").is_none() {
        return false;
    }
    let gap = |line: &[u8]| {
        let text = line.iter().position(|c| !c.is_ascii_whitespace());
        text.is_some_and(|t| memchr::memmem::find(line[t..].trim_ascii_end(), b"   ").is_some())
    };
    let mut prev = false;
    for line in b.split(|&c| c == b'\n') {
        let now = gap(line);
        if now && prev {
            return true;
        }
        prev = now;
    }
    false
}

/// The table starting at line `at`, if one does.
pub fn table_at(lines: &[&str], at: usize) -> Option<Found> {
    let line = lines[at];
    let t = line.trim_start_matches(' ');
    if t.starts_with('|') && line.len() - t.len() <= 3 {
        return pipe_table(lines, at);
    }
    if t.starts_with("+-") || t.starts_with("+=") {
        return grid_table(lines, at);
    }
    if t.starts_with("<table") {
        return html_table(lines, at);
    }
    if t.starts_with("--") {
        return dashed_table(lines, at);
    }
    // A simple table's header: its separator follows within two lines.
    if !t.is_empty() {
        for sep in at + 1..(at + 3).min(lines.len()) {
            if lines[sep].trim().is_empty() {
                break;
            }
            if columns(lines[sep]).is_some_and(|c| c.len() >= 2) {
                return simple_table(lines, at, sep);
            }
        }
    }
    aligned_table(lines, at)
}

/// The pieces of a line of column-aligned text: `(start column, text)`,
/// split at runs of three spaces or more.
fn aligned_cells(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line.trim_end().chars().collect();
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < chars.len() && !chars[end..].starts_with(&[' ', ' ', ' ']) {
            end += 1;
        }
        out.push((
            start,
            chars[start..end]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string(),
        ));
        i = end;
    }
    out
}

/// Column-aligned text (`pdftotext -layout`, fixed-width reports): a row
/// of two cells or more (three spaces or more between them), and under it,
/// up to the next blank line, lines whose every piece starts where a cell
/// of the first row starts. A line with fewer pieces that another line
/// with more follows is the first row's labels wrapped in their columns
/// (`Demandado` over `por?`); the others are rows, a piece to the column
/// it starts in, an empty cell where none does.
fn aligned_table(lines: &[&str], at: usize) -> Option<Found> {
    // No gap between pieces of text: no row (and no need to split it).
    if !lines[at].trim().contains("   ") {
        return None;
    }
    let head = aligned_cells(lines[at]);
    if head.len() < 2 || lines[at].contains('\t') {
        return None;
    }
    let starts: Vec<usize> = head.iter().map(|c| c.0).collect();
    let column = |start: usize| starts.iter().position(|&s| s.abs_diff(start) <= 1);
    let mut below: Vec<Vec<(usize, String)>> = Vec::new();
    let mut i = at + 1;
    while i < lines.len() && !lines[i].trim().is_empty() && below.len() < 4 {
        let cells = aligned_cells(lines[i]);
        let placed: Option<Vec<(usize, String)>> = cells
            .into_iter()
            .map(|(s, t)| column(s).map(|c| (c, t)))
            .collect();
        match placed {
            Some(p) if !lines[i].contains('\t') => below.push(p),
            _ => break,
        }
        i += 1;
    }
    if below.is_empty() {
        return None;
    }
    let n = head.len();
    let mut header: Vec<String> = head.into_iter().map(|c| c.1).collect();
    let mut rows = Vec::new();
    let mut k = 0;
    // Wrapped labels: fewer pieces than a later line has.
    while k + 1 < below.len()
        && below[k].len() < below[k + 1..].iter().map(Vec::len).max().unwrap_or(0)
    {
        for (c, t) in &below[k] {
            header[*c].push(' ');
            header[*c].push_str(t);
        }
        k += 1;
    }
    rows.push((at, header));
    for (j, row) in below.iter().enumerate().skip(k) {
        let mut cells = vec![String::new(); n];
        for (c, t) in row {
            if !cells[*c].is_empty() {
                cells[*c].push(' ');
            }
            cells[*c].push_str(t);
        }
        rows.push((at + 1 + j, cells));
    }
    Some(Found {
        rows,
        next: at + 1 + below.len(),
    })
}

/// Splits a pipe table's line into cells: `|` not escaped (`\|`) ends a
/// cell; the outer pipes are dropped.
fn pipe_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.trim().chars().peekable();
    if chars.peek() == Some(&'|') {
        chars.next();
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        cells.push(cell);
    }
    cells.iter().map(|c| cell_text(c.trim())).collect()
}

/// A cell's text: `<br>` breaks it into paragraphs.
fn cell_text(s: &str) -> String {
    if !s.contains("<br") {
        return s.to_string();
    }
    let mut out = s.to_string();
    for br in ["<br />", "<br/>", "<br>", "<BR>"] {
        out = out.replace(br, "\n");
    }
    out.split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The alignment row of a pipe table (`|---|:--:|`).
fn is_alignment(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim().trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

fn pipe_table(lines: &[&str], at: usize) -> Option<Found> {
    let mut rows = Vec::new();
    let mut i = at;
    while i < lines.len() && lines[i].trim_start().starts_with('|') {
        let cells = pipe_cells(lines[i]);
        // markitdown writes an empty header row over tables that had none.
        if !is_alignment(&cells) && cells.iter().any(|c| !c.is_empty()) {
            rows.push((i, cells));
        }
        i += 1;
    }
    // One line with a pipe is text, unless it has an alignment row.
    (i - at >= 2 && !rows.is_empty()).then_some(Found { rows, next: i })
}

/// The columns of a rule of dash groups (`---- ------ ---`), as char
/// ranges; `None` when the line is not one.
fn columns(line: &str) -> Option<Vec<(usize, usize)>> {
    let mut cols = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, c) in line.chars().enumerate() {
        n = i + 1;
        match (c, start) {
            ('-', None) => start = Some(i),
            ('-', Some(_)) => {}
            (' ', Some(s)) => {
                cols.push((s, i));
                start = None;
            }
            (' ', None) => {}
            _ => return None,
        }
    }
    if let Some(s) = start {
        cols.push((s, n));
    }
    (!cols.is_empty() && cols.iter().all(|(s, e)| e - s >= 2)).then_some(cols)
}

/// A line of dashes alone (a multiline table's top or bottom rule).
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.bytes().all(|b| b == b'-')
}

/// The text of each column in `line`: a column runs from its start to the
/// next one's (the last to the line's end).
fn slice_columns(line: &str, cols: &[(usize, usize)]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    (0..cols.len())
        .map(|c| {
            let from = cols[c].0.min(chars.len());
            let to = cols
                .get(c + 1)
                .map_or(chars.len(), |n| n.0.min(chars.len()));
            chars[from..to.max(from)]
                .iter()
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

/// Joins the lines of one row cell by cell (a cell's text wraps inside its
/// column: "Dt. abertura" over "protocolo").
fn join_rows(parts: &[Vec<String>]) -> Vec<String> {
    let n = parts.iter().map(Vec::len).max().unwrap_or(0);
    (0..n)
        .map(|c| {
            parts
                .iter()
                .filter_map(|p| p.get(c))
                .filter(|t| !t.is_empty())
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A table opened by a line of dashes: pandoc's multiline table (a rule,
/// header lines, dash groups, rows separated by blank lines, a rule), or a
/// headerless simple table (dash groups, rows, dash groups).
fn dashed_table(lines: &[&str], at: usize) -> Option<Found> {
    if let Some(cols) = columns(lines[at]).filter(|c| c.len() >= 2) {
        // Headerless: rows until the closing dash groups or a blank line.
        return simple_body(lines, at + 1, &cols, Vec::new(), true);
    }
    if !is_rule(lines[at]) {
        return None;
    }
    // Header lines, then the dash groups.
    let mut sep = at + 1;
    while sep < lines.len() && sep <= at + 6 {
        if let Some(cols) = columns(lines[sep]).filter(|c| c.len() >= 2) {
            let header: Vec<Vec<String>> = lines[at + 1..sep]
                .iter()
                .map(|l| slice_columns(l, &cols))
                .collect();
            let mut rows = Vec::new();
            if !header.is_empty() {
                rows.push((at + 1, join_rows(&header)));
            }
            let mut i = sep + 1;
            let mut group: Vec<Vec<String>> = Vec::new();
            let mut first = i;
            while i < lines.len() && !is_rule(lines[i]) {
                if lines[i].trim().is_empty() {
                    if !group.is_empty() {
                        rows.push((first, join_rows(&group)));
                        group.clear();
                    }
                } else {
                    if group.is_empty() {
                        first = i;
                    }
                    group.push(slice_columns(lines[i], &cols));
                }
                i += 1;
            }
            if i == lines.len() {
                return None; // no closing rule: not a table
            }
            if !group.is_empty() {
                rows.push((first, join_rows(&group)));
            }
            return Some(Found { rows, next: i + 1 });
        }
        if lines[sep].trim().is_empty() {
            return None;
        }
        if sep > at + 1 && is_rule(lines[sep]) {
            return one_column(lines, at, sep);
        }
        sep += 1;
    }
    None
}

/// Pandoc's multiline table of one column: a rule, the header lines, a
/// rule, the rows (separated by blank lines), a blank line, a rule.
fn one_column(lines: &[&str], at: usize, sep: usize) -> Option<Found> {
    let cell = |from: usize, to: usize| -> Vec<String> {
        let text: Vec<&str> = lines[from..to].iter().map(|l| l.trim()).collect();
        vec![text.join(" ")]
    };
    let mut rows = vec![(at + 1, cell(at + 1, sep))];
    let mut i = sep + 1;
    let mut first = None;
    while i < lines.len() && !is_rule(lines[i]) {
        match (lines[i].trim().is_empty(), first) {
            (true, Some(f)) => {
                rows.push((f, cell(f, i)));
                first = None;
            }
            (false, None) => first = Some(i),
            _ => {}
        }
        i += 1;
    }
    // Closed by a rule after a blank line, as pandoc writes it; a row
    // running into the rule is a text between dashed lines.
    if i == lines.len() || first.is_some() || rows.len() < 2 {
        return None;
    }
    Some(Found { rows, next: i + 1 })
}

/// A simple table: a header line (or two) at `at`, its dash groups at
/// `sep`, a row a line until a blank line.
fn simple_table(lines: &[&str], at: usize, sep: usize) -> Option<Found> {
    let cols = columns(lines[sep])?;
    let header: Vec<Vec<String>> = lines[at..sep]
        .iter()
        .map(|l| slice_columns(l, &cols))
        .collect();
    simple_body(lines, sep + 1, &cols, vec![(at, join_rows(&header))], false)
}

fn simple_body(
    lines: &[&str],
    from: usize,
    cols: &[(usize, usize)],
    mut rows: Vec<(usize, Vec<String>)>,
    headerless: bool,
) -> Option<Found> {
    let mut i = from;
    while i < lines.len() && !lines[i].trim().is_empty() {
        if columns(lines[i]).is_some() {
            i += 1;
            break;
        }
        rows.push((i, slice_columns(lines[i], cols)));
        i += 1;
    }
    if headerless && rows.is_empty() {
        return None;
    }
    Some(Found { rows, next: i })
}

/// A grid table: `+---+---+` borders, `|` between cells, `+===+` under
/// the header.
fn grid_table(lines: &[&str], at: usize) -> Option<Found> {
    let border = lines[at].trim_end();
    let bounds: Vec<usize> = border
        .chars()
        .enumerate()
        .filter(|&(_, c)| c == '+')
        .map(|(i, _)| i)
        .collect();
    if bounds.len() < 2
        || !border
            .trim_start()
            .chars()
            .all(|c| matches!(c, '+' | '-' | '=' | ':'))
    {
        return None;
    }
    let mut rows = Vec::new();
    let mut group: Vec<Vec<String>> = Vec::new();
    let mut first = at + 1;
    let mut i = at + 1;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.starts_with('+') {
            if !group.is_empty() {
                rows.push((first, grid_cells(&group)));
                group.clear();
            }
            first = i + 1;
            i += 1;
            continue;
        }
        if !t.starts_with('|') {
            break;
        }
        let chars: Vec<char> = lines[i].chars().collect();
        let cells = bounds
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0] + 1, w[1].min(chars.len()));
                chars[a.min(b)..b]
                    .iter()
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect();
        group.push(cells);
        i += 1;
    }
    if rows.is_empty() {
        return None;
    }
    Some(Found { rows, next: i })
}

/// An HTML table, as pandoc writes cells markdown cannot hold (several
/// paragraphs): `<tr>` rows of `<th>`/`<td>` cells, `<p>` paragraphs in
/// them; other tags are dropped and entities undone by [`unmark`]. Nested
/// tables are read as text of their cell.
fn html_table(lines: &[&str], at: usize) -> Option<Found> {
    let mut end = at;
    let mut depth = 0usize;
    while end < lines.len() {
        let l = lines[end];
        depth += l.matches("<table").count();
        depth = depth.saturating_sub(l.matches("</table>").count());
        end += 1;
        if depth == 0 {
            break;
        }
    }
    if depth > 0 {
        return None; // never closed: not a table
    }
    let mut rows = Vec::new();
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    for (i, line) in lines.iter().enumerate().take(end).skip(at) {
        let mut rest = *line;
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else {
                if let Some(c) = &mut cell {
                    c.push_str(rest);
                }
                break;
            };
            if let Some(c) = &mut cell {
                c.push_str(&rest[..open]);
            }
            let Some(close) = rest[open..].find('>') else {
                break;
            };
            let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
            let name = tag.split([' ', '/']).find(|n| !n.is_empty()).unwrap_or("");
            let closing = tag.starts_with('/');
            match (name, closing) {
                ("tr", false) => row = Some((i, Vec::new())),
                ("tr", true) => rows.extend(row.take()),
                ("td" | "th", false) => cell = Some(String::new()),
                ("td" | "th", true) => {
                    if let (Some(r), Some(c)) = (&mut row, cell.take()) {
                        let paragraphs: Vec<&str> = c
                            .split('\n')
                            .map(str::trim)
                            .filter(|p| !p.is_empty())
                            .collect();
                        r.1.push(paragraphs.join("\n"));
                    }
                }
                ("p" | "br", _) | ("li", false) => {
                    if let Some(c) = &mut cell {
                        c.push('\n');
                    }
                }
                _ => {}
            }
            rest = &rest[open + close + 1..];
        }
        if let Some(c) = &mut cell {
            c.push(' ');
        }
    }
    (!rows.is_empty()).then_some(Found { rows, next: end })
}

/// [`join_rows`] for a grid table, where an empty line inside a cell
/// starts its next paragraph.
/// The cells of a grid table's row from their lines (untrimmed, so that a
/// table nested in a cell keeps its columns): a cell holding a dashed
/// table gives that table's rows, one a line, its cells joined by spaces.
fn grid_cells(parts: &[Vec<String>]) -> Vec<String> {
    let mut cells = join_cells(
        &parts
            .iter()
            .map(|p| p.iter().map(|c| c.trim().to_string()).collect())
            .collect::<Vec<_>>(),
    );
    for (c, cell) in cells.iter_mut().enumerate() {
        let lines: Vec<&str> = parts
            .iter()
            .filter_map(|p| p.get(c))
            .map(String::as_str)
            .collect();
        let Some(at) = lines.iter().position(|l| !l.trim().is_empty()) else {
            continue;
        };
        if !lines[at].trim_start().starts_with("--") {
            continue;
        }
        let Some(found) = dashed_table(&lines, at) else {
            continue;
        };
        if lines[found.next.min(lines.len())..]
            .iter()
            .any(|l| !l.trim().is_empty())
        {
            continue;
        }
        let rows: Vec<String> = found
            .rows
            .iter()
            .map(|(_, r)| {
                let words: Vec<&str> = r
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect();
                words.join(" ")
            })
            .filter(|r| !r.is_empty())
            .collect();
        *cell = rows.join("\n");
    }
    cells
}

fn join_cells(parts: &[Vec<String>]) -> Vec<String> {
    let n = parts.iter().map(Vec::len).max().unwrap_or(0);
    (0..n)
        .map(|c| {
            let mut out = String::new();
            let mut gap = false;
            for t in parts.iter().filter_map(|p| p.get(c)) {
                if t.is_empty() {
                    gap = !out.is_empty();
                    continue;
                }
                if !out.is_empty() {
                    out.push(if gap { '\n' } else { ' ' });
                }
                out.push_str(t);
                gap = false;
            }
            out
        })
        .collect()
}

/// The width a text was wrapped at, if it looks wrapped: no line but a
/// table's longer than 100 characters, and, of the lines that run on into a next line
/// (outside tables), at least two, and four in five, were cut there (the
/// next line's first word would not have fit). A converter that wraps
/// (pandoc) separates its paragraphs by blank lines, so a line that runs on
/// is a wrapped one; a form whose lines are its own (options listed line by
/// line) has short lines running on.
pub fn wrap_width(lines: &[&str]) -> Option<usize> {
    let len = |l: &str| l.trim_end().chars().count();
    let table = table_line;
    let width = lines.iter().filter(|l| !table(l)).map(|l| len(l)).max()?;
    if !(50..=100).contains(&width) {
        return None;
    }
    let (mut runs_on, mut cut) = (0, 0);
    for w in lines.windows(2) {
        if w[0].trim().is_empty() || w[1].trim().is_empty() || table(w[0]) || table(w[1]) {
            continue;
        }
        runs_on += 1;
        if wrapped(w[0], w[1], width) {
            cut += 1;
        }
    }
    // In text whose paragraphs blank lines separate, two lines of text
    // that touch are one paragraph: one such wrap is enough.
    let enough = cut >= 2 || cut == 1 && blank_separated(lines);
    (enough && cut * 5 >= runs_on * 4).then_some(width)
}

/// A line of a table or of markup, which neither wraps nor separates
/// paragraphs: a table's own (`|`, `+`, indented by two spaces, tabs) and
/// HTML's (a tag starts or ends it, as inside pandoc's HTML tables).
fn table_line(l: &str) -> bool {
    l.starts_with("  ")
        || l.starts_with(['|', '+', '<'])
        || l.contains('\t')
        || l.trim_end().ends_with('>')
}

/// Whether blank lines separate the text's paragraphs: three in four of
/// its lines of text (not of tables) are followed by one, as markdown
/// writers and pandoc write them.
pub fn blank_separated(lines: &[&str]) -> bool {
    let table = table_line;
    let (mut text, mut followed) = (0, 0);
    for w in lines.windows(2) {
        if !w[0].trim().is_empty() && !table(w[0]) {
            text += 1;
            followed += usize::from(w[1].trim().is_empty());
        }
    }
    text >= 10 && followed * 4 >= text * 3
}

/// [`wrap_width`] on bytes, for [`may_have_shapes`] (bytes count a
/// little more than characters: only an upper bound is needed).
fn wrap_width_of(b: &[u8]) -> Option<usize> {
    let lines = || {
        let mut start = 0;
        memchr::memchr_iter(b'\n', b).map(move |end| {
            let line = &b[start..end];
            start = end + 1;
            let table = matches!(line.first(), Some(b'|' | b'+' | b'<' | b' ' | b'\t'))
                || line.trim_ascii_end().last() == Some(&b'>');
            (line, table)
        })
    };
    // The widest line of text, and no further once one is too wide.
    let mut max = 0;
    for (line, table) in lines() {
        if !table {
            if line.len() > 130 {
                return None;
            }
            max = max.max(line.len());
        }
    }
    if max < 50 {
        return None;
    }
    // The rule of `wrap_width`, in bytes: a bound, not the decision.
    let (mut runs_on, mut cut, mut prev) = (0, 0, None);
    let (mut text, mut followed) = (0, 0);
    for (line, table) in lines() {
        let blank = line.first().is_none_or(|c| c.is_ascii_whitespace())
            && line.iter().all(|c| c.is_ascii_whitespace());
        if prev.is_some() {
            text += 1;
            followed += usize::from(blank);
        }
        if let (Some(p), false, false) = (prev, blank, table) {
            runs_on += 1;
            let word = memchr::memchr(b' ', line).unwrap_or(line.len());
            if p + 1 + word + 8 > max {
                cut += 1;
            }
        }
        prev = (!blank && !table).then_some(line.len());
    }
    let separated = text >= 10 && followed * 4 >= text * 3;
    let enough = cut >= 2 || cut == 1 && separated;
    (enough && cut * 5 >= runs_on * 4).then_some(max)
}

/// Whether `line` was cut by the wrapping at `width` before `next`: the
/// next line's first word would not have fit on it.
pub fn wrapped(line: &str, next: &str, width: usize) -> bool {
    let t = next.trim_start();
    if line.trim().is_empty() || t.is_empty() || line.contains('\t') {
        return false;
    }
    // A box or a list item starts a line of its own.
    if t.starts_with(['☐', '☒', '☑', '-', '*', '•']) || t.starts_with("[ ]") || t.starts_with("[x]")
    {
        return false;
    }
    let word = t.split(' ').next().unwrap_or("").chars().count();
    line.trim_end().chars().count() + 1 + word > width
}

/// Markdown's escapes (`\*`, `\_`, `\#`, `\|`...), its HTML entities
/// (`&amp;`, `&#39;`), `<br>` (a space) and single `*`/`_` emphasis
/// around words, undone; soft hyphens dropped and smart quotes made
/// plain. Only files that show markdown's shapes are read this way.
pub fn unmark(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains([
        '\\', '&', '<', '*', '_', '\u{ad}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}',
    ]) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(next.expect("checked"));
                i += 2;
                continue;
            }
            '&' => {
                if let Some((text, len)) = entity(&chars[i..]) {
                    out.push_str(&text);
                    i += len;
                    continue;
                }
                out.push(c);
            }
            '<' if starts_with(&chars[i..], "<br") => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '>')
                    .map_or(chars.len(), |p| i + p + 1);
                out.push(' ');
                i = end;
                continue;
            }
            // Emphasis: a `*` or `_` that opens before a word or closes
            // after one, with its pair in the line.
            '*' | '_' if is_emphasis(&chars, i) => {}
            '\u{ad}' => {}
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201c}' | '\u{201d}' => out.push('"'),
            _ => out.push(c),
        }
        i += 1;
    }
    out.into()
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars()
        .all(|c| it.next().is_some_and(|&d| d.eq_ignore_ascii_case(&c)))
}

/// Whether the `*` or `_` at `i` is emphasis: it opens (after a space or
/// the start, before a letter) or closes (after a letter, before a space,
/// punctuation or the end), and a partner of the other kind is in the
/// line. `snake_case` and `2*3` are left alone.
fn is_emphasis(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let before = i.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + 1).copied();
    let space =
        |x: Option<char>| x.is_none_or(|x| x.is_whitespace() || matches!(x, '(' | '"' | '\''));
    let end = |x: Option<char>| x.is_none_or(|x| x.is_whitespace() || x.is_ascii_punctuation());
    let word = |x: Option<char>| {
        x.is_some_and(|x| x.is_alphanumeric() || x.is_ascii_punctuation() && x != c)
    };
    let opens = space(before) && word(after);
    let closes = word(before) && end(after);
    if opens {
        chars[i + 1..]
            .iter()
            .enumerate()
            .any(|(k, &x)| x == c && word(Some(chars[i + k])) && end(chars.get(i + k + 2).copied()))
    } else if closes {
        chars[..i].iter().enumerate().any(|(k, &x)| {
            x == c && space(k.checked_sub(1).map(|j| chars[j])) && word(chars.get(k + 1).copied())
        })
    } else {
        false
    }
}

/// An HTML entity at the start of `chars`: its text and length.
fn entity(chars: &[char]) -> Option<(String, usize)> {
    let end = chars.iter().take(10).position(|&c| c == ';')?;
    let name: String = chars[1..end].iter().collect();
    let text = match name.as_str() {
        "amp" => "&".to_string(),
        "lt" => "<".to_string(),
        "gt" => ">".to_string(),
        "quot" => "\"".to_string(),
        "apos" => "'".to_string(),
        "nbsp" => " ".to_string(),
        n if n.starts_with("#x") || n.starts_with("#X") => {
            char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?.to_string()
        }
        n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?.to_string(),
        _ => return None,
    };
    Some((text, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Option<Vec<Vec<String>>> {
        let lines: Vec<&str> = text.lines().collect();
        table_at(&lines, 0).map(|f| f.rows.into_iter().map(|(_, c)| c).collect())
    }

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn pipe_tables_as_markitdown_and_pandoc_write_them() {
        // markitdown: an empty header row over the table.
        let t = "|  |  |\n| --- | --- |\n| Colaborador | Data |\n| Ana Beatriz | 20/03/2025 |\n";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["Colaborador", "Data"], &["Ana Beatriz", "20/03/2025"]])
        );
        // GitHub: aligned, escaped pipes, a break in a cell, an empty cell.
        let t = "| Obs.: | Quais? |\n|:------|------:|\n| a \\| b<br>c |  |\n";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["Obs.:", "Quais?"], &["a | b\nc", ""]])
        );
        // A ragged row keeps the cells it has.
        let t = "| a | b | c |\n|---|---|---|\n| 1 |\n";
        assert_eq!(table(t).unwrap(), rows(&[&["a", "b", "c"], &["1"]]));
        // One line with pipes is text.
        assert_eq!(table("| not a table |\n\nnext"), None);
    }

    #[test]
    fn pandoc_multiline_tables_join_wrapped_cells() {
        let t = "  --------------------------------------------------------------------------
  Data inclusão  Tipo           Demandado por? Nº do          Dt. abertura
                                               protocolo      protocolo
  -------------- -------------- -------------- -------------- --------------
  01/02/2019     Clínica        Dentista       778899         19/03/2025

  --------------------------------------------------------------------------
";
        assert_eq!(
            table(t).unwrap(),
            rows(&[
                &[
                    "Data inclusão",
                    "Tipo",
                    "Demandado por?",
                    "Nº do protocolo",
                    "Dt. abertura protocolo"
                ],
                &["01/02/2019", "Clínica", "Dentista", "778899", "19/03/2025"],
            ])
        );
        // An empty cell stays an empty cell.
        let t = "  ------------------------------------\n  Atende outros    Quais?\n  ---------------- ----------------\n  SIM NÃO\n\n  ------------------------------------\n";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["Atende outros", "Quais?"], &["SIM NÃO", ""]])
        );
        // No closing rule: not a table.
        assert_eq!(
            table("  ----------\n  a    b\n  ---- ----\n  1    2\n"),
            None
        );
        // One column: label and options, a header over its rows.
        let t = "  ------------------------------\n  Necessário abertura de\n  protocolo\n  ------------------------------\n  ☐ SIM ☒ NÃO\n\n  ------------------------------\nafter";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["Necessário abertura de protocolo"], &["☐ SIM ☒ NÃO"]])
        );
        // Text between dashed lines, with no blank line before the last:
        // a heading set off by rules, not a table.
        assert_eq!(table("-----\nRESUMO\n-----\ntexto\n-----\n"), None);
    }

    #[test]
    fn column_aligned_text_is_read_by_the_columns_of_its_first_row() {
        let t = "Data inclusão     Tipo        Demandado    Nº do\n                              por?         protocolo\n01/02/2019        Clínica     Dentista     778899\n\nafter";
        assert_eq!(
            table(t).unwrap(),
            rows(&[
                &["Data inclusão", "Tipo", "Demandado por?", "Nº do protocolo"],
                &["01/02/2019", "Clínica", "Dentista", "778899"],
            ])
        );
        // An empty cell: the value under the second label only.
        let t = "1º contato      Data\n                20/03/2025\n";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["1º contato", "Data"], &["", "20/03/2025"]])
        );
        // Ragged: a piece that starts under no label ends the table.
        let t = "Colaborador      Data\nAna   Beatriz 20/03/2025\n";
        assert_eq!(table(t), None);
        // A line of one piece, or words a space apart, is no row.
        assert_eq!(table("Status retenção\n☐ Retenção Efetiva\n"), None);
        assert_eq!(table("Colaborador Ana Data 20/03/2025\nCPF 1\n"), None);
        // The gate sees two such rows running, not one, nor a gap that ends
        // a line.
        assert!(has_aligned_rows(b"CNPJ      CPF\n112      123\n"));
        assert!(!has_aligned_rows(b"CNPJ      CPF\n\n112      123\n"));
        assert!(!has_aligned_rows(b"CNPJ   \nCPF   \n"));
    }

    #[test]
    fn a_table_nested_in_a_grid_cell_gives_its_rows() {
        let t = "+--------------------------------------------+
| Setor responsável                          |
+============================================+
|   ---------------------------------------- |
|   ☐ T.I.    ☒ Central de    ☐ Comercial    |
|             atendimento                    |
|   --------- ------------- -------------    |
|                                            |
|   ---------------------------------------- |
+--------------------------------------------+
";
        assert_eq!(
            table(t).unwrap(),
            rows(&[
                &["Setor responsável"],
                &["☐ T.I. ☒ Central de atendimento ☐ Comercial"]
            ])
        );
    }

    #[test]
    fn simple_and_grid_tables() {
        let t = "CNPJ            CPF\n--------------- ------------\n11222333000181  12345678909\n\nafter";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["CNPJ", "CPF"], &["11222333000181", "12345678909"]])
        );
        let t = "+-------+---------+\n| Obs.: | uma     |\n|       | nota    |\n+=======+=========+\n| UF    | MG      |\n+-------+---------+\n";
        assert_eq!(
            table(t).unwrap(),
            rows(&[&["Obs.:", "uma nota"], &["UF", "MG"]])
        );
        // A dashed line in a note is not a table.
        assert_eq!(table("DESLIGAMENTO URGENTE----- Assunto"), None);
        assert_eq!(table("-----\ntexto\n"), None);
    }

    #[test]
    fn html_tables_as_pandoc_writes_them() {
        let t = "<table>\n<thead>\n<tr class=\"header\">\n<th>Status retenção</th>\n</tr>\n</thead>\n<tbody>\n<tr class=\"odd\">\n<td><p>☐ Retenção Efetiva</p>\n<p>☒ Desligamento</p></td>\n</tr>\n<tr><td>Obs.:</td><td>R&amp;D</td></tr>\n</tbody>\n</table>\nafter";
        let lines: Vec<&str> = t.lines().collect();
        let found = table_at(&lines, 0).unwrap();
        assert_eq!(
            found.rows.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
            rows(&[
                &["Status retenção"],
                &["☐ Retenção Efetiva\n☒ Desligamento"],
                &["Obs.:", "R&amp;D"]
            ])
        );
        assert_eq!(lines[found.next], "after");
        assert_eq!(table("<table>\n<tr><td>a</td>\n"), None);
    }

    #[test]
    fn wrapped_lines_are_told_by_the_next_word() {
        let lines = [
            "Data inclusão 01/02/2019 Tipo Clínica Demandado por? Dentista Nº do",
            "protocolo 778899 Dt. abertura protocolo 19/03/2025",
            "",
            "Data início 20/03/2025 Data final 25/03/2025 Tempo finalização 5 dias",
            "",
            "UF MG Cidade Belo Horizonte nº de vidas 2.350 nº CRO(S) únicos",
            "divulgados 4",
        ];
        let width = wrap_width(&lines).unwrap();
        assert_eq!(width, 69);
        assert!(wrapped(lines[0], lines[1], 72));
        assert!(!wrapped(lines[1], lines[2], 72));
        assert!(wrapped(lines[5], lines[6], 72));
        assert!(!wrapped("Status retenção", "☐ Retenção Efetiva", 72));
        // Paragraphs separated by blank lines, as pandoc writes them: the
        // one pair of lines that touch is a wrapped paragraph.
        let mut pandoc = vec!["Obs. Geral", ""];
        for _ in 0..8 {
            pandoc.extend(["Recepcionada vossa demanda.", ""]);
        }
        pandoc.extend([
            "Dentista solicitou desligamento imediato por encerramento das",
            "atividades.",
            "",
            "Setor responsável",
        ]);
        assert_eq!(wrap_width(&pandoc), Some(61));
        assert!(may_have_shapes(&pandoc.join("\n")));
        // Lines inside pandoc's HTML tables neither wrap nor separate.
        let mut gfm = pandoc.clone();
        for _ in 0..5 {
            gfm.extend([
                "<td><p>☐ Ofertado Novos Valores ☐ Ofertado",
                "Divulgação</p>",
                "<p>☐ Outros</p>",
            ]);
        }
        assert!(blank_separated(&gfm));
        assert_eq!(wrap_width(&gfm), Some(61));
        // The same lines without the blank lines: a form's own lines.
        let packed: Vec<&str> = pandoc.iter().copied().filter(|l| !l.is_empty()).collect();
        assert_eq!(wrap_width(&packed), None);
        // Lines of a form not wrapped: no width.
        assert_eq!(
            wrap_width(&["Colaborador Ana", "Data 20/03/2025", "CPF 1"]),
            None
        );
    }

    #[test]
    fn markdown_escapes_entities_and_emphasis_are_undone() {
        assert_eq!(
            unmark(r"Obs.: OBRIGATÓRIO \*caso\* \_x\_ \#1"),
            "Obs.: OBRIGATÓRIO *caso* _x_ #1"
        );
        assert_eq!(unmark("*Colaborador* Ana"), "Colaborador Ana");
        assert_eq!(unmark("_Data_ 20/03/2025"), "Data 20/03/2025");
        assert_eq!(
            unmark("joao_silva@x.com e 2*3*4"),
            "joao_silva@x.com e 2*3*4"
        );
        assert_eq!(
            unmark("R&amp;D &lt;x&gt; &#39;a&#x27; &nbsp;"),
            "R&D <x> 'a'  "
        );
        assert_eq!(unmark("uma<br>nota"), "uma nota");
        assert_eq!(
            unmark("“Outros” it’s pro\u{ad}tocolo"),
            "\"Outros\" it's protocolo"
        );
        assert_eq!(unmark("AT&T & co"), "AT&T & co");
    }
}
