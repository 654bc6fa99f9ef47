//! Templates: a form described as data (labels, checkbox groups, rows),
//! read from TOML and compiled once. Every pattern is compiled when the
//! template loads; a bad template is refused with a message naming the rule.

mod multi;
pub(crate) mod rules;
mod spec;

pub(crate) use multi::Multi;

use std::collections::HashMap;

use regex::Regex;

pub use spec::Kind;
use spec::{FieldSpec, TemplateSpec};

use crate::error::{Error, Result};
use crate::input::fold::fold;

/// Index of a field in the template's list of fields.
pub type FieldId = usize;

/// The templates built into the binary: `(name, TOML source)`.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "processo-retencao",
        include_str!("../../templates/processo-retencao.toml"),
    ),
    (
        "ficha-cadastro",
        include_str!("../../templates/ficha-cadastro.toml"),
    ),
];

/// The name of the default template.
pub const DEFAULT: &str = "processo-retencao";

/// A compiled template, shared read-only by every worker.
#[derive(Debug)]
pub struct Template {
    /// Unique among the templates of this process (searches kept per line
    /// are kept per template).
    pub(crate) id: u64,
    /// The template's name, as written into records.
    pub name: String,
    /// What the template describes.
    pub description: String,
    /// The title pattern, matching only where a line's text starts.
    pub(crate) title_start: Multi,
    pub(crate) revisions: Vec<Revision>,
    /// All fields, in the template's order: top-level ones and the fields
    /// of lists (found through [`Field::children`]).
    pub(crate) fields: Vec<Field>,
    /// Top-level fields in output order.
    pub(crate) top: Vec<FieldId>,
    /// Distinct label patterns and the fields that use each.
    pub(crate) labels: Vec<Label>,
    /// Every label pattern, searched in one pass over a line.
    pub(crate) label_search: Multi,
    /// Every revision marker, searched in one pass: ids are
    /// `revision * 64 + marker`.
    pub(crate) marker_search: Multi,
    pub(crate) signature: Option<FieldId>,
    pub(crate) rules: Vec<rules::Rule>,
    pub(crate) hints: Vec<rules::Hint>,
    /// The heading patterns fields are scoped by (`after`, `before`),
    /// matched on folded lines.
    pub(crate) headings: Vec<Regex>,
    /// The keys of the fields whose values are personal data, whole: `cpf`
    /// and `cnpj` fields and those marked `personal`.
    pub(crate) personal: Vec<(String, Kind)>,
}

#[derive(Debug)]
pub(crate) struct Revision {
    pub name: String,
    pub markers: Vec<Pattern>,
    /// Fields this revision does not print.
    pub lacks: Vec<FieldId>,
}

/// A compiled field, group, table or list.
#[derive(Debug)]
pub(crate) struct Field {
    pub key: String,
    pub kind: Kind,
    pub row: usize,
    pub list: Option<FieldId>,
    pub children: Vec<FieldId>,
    pub block: bool,
    pub ignore: Vec<Regex>,
    pub messages: Option<String>,
    pub unit: Option<Regex>,
    /// How dates and numbers are written (the template's locale, or the
    /// field's `format`).
    pub reading: crate::normalize::Reading,
    /// The full name of the fillable PDF's field that holds the value.
    pub pdf_field: Option<String>,
    pub options: Vec<Opt>,
    /// Every option pattern, searched in one pass over a line.
    pub option_search: Multi,
    pub options_from: Option<FieldId>,
    /// A signature's pattern, as written (compiled on first use).
    pub pattern: Option<Pattern>,
    /// For lists: entries the spreadsheet columns have room for.
    pub max: u32,
    /// For lists: the prefix of the spreadsheet columns.
    pub column: String,
    /// Where the value stands from its label.
    pub position: Position,
    /// Personal data, redacted whole (`personal = true`).
    pub personal: bool,
    /// Inclusive page ranges the label is read on; empty: every page.
    pub pages: Vec<(u32, u32)>,
    /// Indexes in [`Template::headings`]: the label is read only after the
    /// first line of the first, only before the first line of the second.
    pub after: Option<usize>,
    pub before: Option<usize>,
}

/// Where a field's value stands from its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// After the label in its cell or line, in the cell to its right, or
    /// in the cell below.
    After,
    /// That many lines (not counting blank ones) above the label, in its
    /// column.
    Above(u32),
    /// That many lines below it.
    Below(u32),
}

impl Field {
    /// The label is read on line `index` of page `page` (0: the page is
    /// not known, so it is), given the index of the first line of each
    /// heading (`usize::MAX`: not in the form).
    pub fn in_scope(&self, page: u32, index: usize, heading_at: &[usize]) -> bool {
        let on_page = page == 0
            || self.pages.is_empty()
            || self.pages.iter().any(|r| (r.0..=r.1).contains(&page));
        on_page
            && self.after.is_none_or(|h| heading_at[h] <= index)
            && self.before.is_none_or(|h| heading_at[h] > index)
    }

    /// A checkbox group whose options are listed.
    pub fn is_group(&self) -> bool {
        matches!(self.kind, Kind::Single | Kind::Multiple | Kind::Yesno)
    }

    /// The output path of the field: `cpf`, or `contatos[2].data` inside a list.
    pub fn path(&self, template: &Template, entry: Option<u32>) -> String {
        match (self.list, entry) {
            (Some(list), Some(n)) => {
                // Built by hand: every value of every entry has one.
                let list = &template.fields[list].key;
                let mut path = String::with_capacity(list.len() + self.key.len() + 5);
                path.push_str(list);
                path.push('[');
                crate::normalize::push_padded(&mut path, n, 1);
                path.push_str("].");
                path.push_str(&self.key);
                path
            }
            (Some(list), None) => format!("{}.{}", template.fields[list].key, self.key),
            _ => self.key.clone(),
        }
    }
}

/// One option of a checkbox group.
#[derive(Debug)]
pub(crate) struct Opt {
    pub code: String,
    pub pattern: Pattern,
}

/// One distinct label pattern; shared when several fields print it.
#[derive(Debug)]
pub(crate) struct Label {
    pub regex: Pattern,
    pub fields: Vec<FieldId>,
}

impl Template {
    /// Loads a built-in template by name, or a template file by path.
    pub fn load(name_or_path: &str) -> Result<Template> {
        if let Some((name, src)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            return Template::from_toml(src, &format!("{name} (built-in)"));
        }
        let path = std::path::Path::new(name_or_path);
        if path.is_file() {
            let src = std::fs::read_to_string(path).map_err(|e| Error::Io {
                context: format!("reading template {}", path.display()),
                source: e,
            })?;
            return Template::from_toml(&src, &path.display().to_string());
        }
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        Err(Error::UnknownTemplate(
            name_or_path.to_string(),
            names.join(", "),
        ))
    }

    /// Loads the templates a run names (`-t` given once or more): built-in
    /// names, template files, and folders, whose `.toml` files are loaded
    /// in name order. Two templates of one name are refused, since records
    /// name their template.
    pub fn load_all(names: &[String]) -> Result<Vec<Template>> {
        let mut all: Vec<(Template, String)> = Vec::new();
        for name in names {
            let path = std::path::Path::new(name);
            let files: Vec<String> = if path.is_dir() {
                let mut files: Vec<String> = std::fs::read_dir(path)
                    .map_err(|e| Error::Io {
                        context: format!("reading the template folder {}", path.display()),
                        source: e,
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension()
                                .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
                    })
                    .map(|p| p.display().to_string())
                    .collect();
                if files.is_empty() {
                    return Err(Error::Usage(format!(
                        "-t {name}: the folder holds no template (.toml file)"
                    )));
                }
                files.sort();
                files
            } else {
                vec![name.clone()]
            };
            for file in files {
                let t = Template::load(&file)?;
                if let Some((_, first)) = all.iter().find(|(o, _)| o.name == t.name) {
                    return Err(Error::Usage(format!(
                        "two templates are named {:?} ({first} and {file}): records name their \
                         template, so each needs a name of its own",
                        t.name
                    )));
                }
                all.push((t, file));
            }
        }
        Ok(all.into_iter().map(|(t, _)| t).collect())
    }

    /// The default template (the retention form).
    pub fn default_template() -> Template {
        Template::load(DEFAULT).expect("the built-in template compiles (tested)")
    }

    /// Parses and compiles a template; `origin` names it in error messages.
    pub fn from_toml(src: &str, origin: &str) -> Result<Template> {
        let spec: TemplateSpec =
            toml::from_str(src).map_err(|e| Error::template(origin, e.to_string()))?;
        compile(spec).map_err(|m| Error::template(origin, m))
    }

    /// Builds the automata the searches use (otherwise built on first use).
    /// The pipeline builds them on two threads of its own (the labels' and
    /// the rest) while the first documents are read; the workers wait for
    /// them only where they get ahead.
    pub fn prepare(&self) {
        self.prepare_labels();
        self.prepare_rest();
    }

    /// The labels' automaton and the signature's pattern: about half of
    /// [`prepare`]'s work, so the pipeline builds them on a thread of their
    /// own.
    ///
    /// [`prepare`]: Template::prepare
    pub fn prepare_labels(&self) {
        self.label_search.prepare();
        for p in self.fields.iter().filter_map(|f| f.pattern.as_ref()) {
            p.regex();
        }
    }

    /// The other automata, in the order a document needs them.
    pub fn prepare_rest(&self) {
        self.title_start.prepare();
        self.marker_search.prepare();
        for f in self.fields.iter().filter(|f| f.is_group()) {
            f.option_search.prepare();
        }
    }

    /// Top-level field keys in output order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.top.iter().map(|&id| self.fields[id].key.as_str())
    }

    /// The fields the named revision does not print (none for a revision
    /// unknown or not given).
    pub(crate) fn lacks(&self, revision: Option<&str>) -> &[FieldId] {
        revision
            .and_then(|name| self.revisions.iter().find(|r| r.name == name))
            .map_or(&[], |r| r.lacks.as_slice())
    }

    /// Whether `key` is one of the top-level date fields.
    pub fn date_field(&self, key: &str) -> bool {
        self.top
            .iter()
            .any(|&id| self.fields[id].key == key && self.fields[id].kind == Kind::Date)
    }
}

/// A pattern checked when the template loads and compiled on first use:
/// most patterns are only ever searched together (see [`Multi`]).
#[derive(Debug)]
pub(crate) struct Pattern {
    source: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl Pattern {
    /// A pattern whose syntax is checked, to compile on first use.
    fn checked(source: String) -> std::result::Result<Pattern, Box<regex_syntax::Error>> {
        regex_syntax::Parser::new()
            .parse(&source)
            .map_err(Box::new)?;
        Ok(Pattern {
            source,
            compiled: std::sync::OnceLock::new(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn regex(&self) -> &Regex {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).expect("checked when the template loaded"))
    }
}

/// Checks a pattern written by a person (see [`pattern`]) without compiling it.
pub(crate) fn lazy_pattern(rule: &str, src: &str) -> std::result::Result<Pattern, String> {
    let folded = fold(src);
    Pattern::checked(format!("(?i-u:{folded})"))
        .or_else(|_| Pattern::checked(format!("(?i:{folded})")))
        .map_err(|e| bad_pattern(rule, src, &e))
}

/// Checks a regex used as written (no folding, case as given) without
/// compiling it: a name pattern of Unicode classes takes milliseconds to
/// compile, on the path of every run.
fn checked_regex(rule: &str, src: &str) -> std::result::Result<Pattern, String> {
    Pattern::checked(src.to_string()).map_err(|e| bad_pattern(rule, src, &e))
}

/// Compiles a pattern written by a person: accents in it are folded like the
/// text it will meet, and matching ignores case.
pub(crate) fn pattern(rule: &str, src: &str) -> std::result::Result<Regex, String> {
    let folded = fold(src);
    // Folded text is ASCII but for symbols: ASCII classes (\s, \d, case)
    // make much smaller automata. A pattern that needs Unicode keeps it.
    if let Ok(re) = Regex::new(&format!("(?i-u:{folded})")) {
        return Ok(re);
    }
    Regex::new(&format!("(?i:{folded})")).map_err(|e| bad_pattern(rule, src, &e))
}

/// What a template's error says of a pattern that does not parse.
fn bad_pattern(rule: &str, src: &str, e: &dyn std::fmt::Display) -> String {
    format!(
        "{rule}: bad pattern {src:?}: {}",
        first_line(&e.to_string())
    )
}

fn first_line(s: &str) -> String {
    s.lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .next()
        .unwrap_or_else(|| s.lines().last().unwrap_or("").to_string())
}

fn compile(spec: TemplateSpec) -> std::result::Result<Template, String> {
    if spec.name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    let title = pattern("`title`", &spec.title)?;
    let title_start = Multi::new([(0, title.as_str())]).map_err(|e| format!("`title`: {e}"))?;
    let revisions = spec
        .revision
        .iter()
        .map(|r| {
            let markers = r
                .markers
                .iter()
                .map(|m| lazy_pattern(&format!("revision `{}` marker", r.name), m))
                .collect::<std::result::Result<_, _>>()?;
            Ok(Revision {
                name: r.name.clone(),
                markers,
                lacks: Vec::new(),
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;

    let reading = match &spec.locale {
        Some(l) => crate::normalize::locale::locale(l)?,
        None => crate::normalize::Reading::default(),
    };
    let mut fields: Vec<Field> = Vec::with_capacity(spec.field.len());
    let mut by_key: HashMap<String, FieldId> = HashMap::new();
    let mut rows: HashMap<String, usize> = HashMap::new();
    let mut label_of: Vec<Vec<String>> = Vec::new();
    let mut headings: Vec<(String, Regex)> = Vec::new();
    for fs in &spec.field {
        let id = fields.len();
        let mut field = compile_field(fs, &by_key, &fields, &mut rows, reading)?;
        let mut heading =
            |what: &str, src: &Option<String>| -> std::result::Result<Option<usize>, String> {
                let Some(src) = src else { return Ok(None) };
                if let Some(i) = headings.iter().position(|(s, _)| s == src) {
                    return Ok(Some(i));
                }
                headings.push((
                    src.clone(),
                    pattern(&format!("field `{}` {what}", fs.key), src)?,
                ));
                Ok(Some(headings.len() - 1))
            };
        field.after = heading("after", &fs.after)?;
        field.before = heading("before", &fs.before)?;
        let scoped = match field.list {
            Some(list) => format!("{}.{}", fields[list].key, fs.key),
            None => fs.key.clone(),
        };
        if by_key.insert(scoped.clone(), id).is_some() {
            return Err(format!("field `{scoped}` is defined twice"));
        }
        if let Some(list) = field.list {
            fields[list].children.push(id);
        }
        label_of.push(fs.label.clone());
        fields.push(field);
    }
    resolve_options_from(&spec.field, &by_key, &mut fields)?;
    let mut revisions = revisions;
    for (r, rs) in revisions.iter_mut().zip(&spec.revision) {
        r.lacks = rs
            .lacks
            .iter()
            .map(|k| rules::reference(k, &by_key, &fields, false).map(|x| x.field))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| format!("revision `{}` lacks: {e}", rs.name))?;
    }
    let (rules, hints) = rules::compile(&spec.rule, &spec.hint, &by_key, &fields)?;

    let mut labels: Vec<Label> = Vec::new();
    let mut by_source: HashMap<String, usize> = HashMap::new();
    for (id, sources) in label_of.iter().enumerate() {
        for src in sources {
            let norm = fold(src).to_lowercase();
            let at = match by_source.get(&norm) {
                Some(&at) => at,
                None => {
                    let regex = lazy_pattern(&format!("field `{}` label", fields[id].key), src)?;
                    labels.push(Label {
                        regex,
                        fields: Vec::new(),
                    });
                    by_source.insert(norm, labels.len() - 1);
                    labels.len() - 1
                }
            };
            labels[at].fields.push(id);
        }
    }
    check_shared_labels(&labels, &fields)?;
    let label_search = Multi::new(
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.regex.as_str())),
    )
    .map_err(|e| format!("labels: {e}"))?;
    let marker_search = Multi::new(revisions.iter().enumerate().flat_map(|(r, rev)| {
        rev.markers
            .iter()
            .enumerate()
            .map(move |(m, re)| (r * 64 + m, re.as_str()))
    }))
    .map_err(|e| format!("revision markers: {e}"))?;
    let top = (0..fields.len())
        .filter(|&i| fields[i].list.is_none())
        .collect();
    let signature = fields.iter().position(|f| f.kind == Kind::Signature);
    let personal = fields
        .iter()
        .filter(|f| f.personal || matches!(f.kind, Kind::Cpf | Kind::Cnpj))
        .map(|f| (f.key.clone(), f.kind))
        .collect();
    static TEMPLATES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    Ok(Template {
        id: TEMPLATES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        name: spec.name,
        description: spec.description,
        title_start,
        revisions,
        fields,
        top,
        labels,
        label_search,
        marker_search,
        signature,
        rules,
        hints,
        headings: headings.into_iter().map(|(_, re)| re).collect(),
        personal,
    })
}

fn compile_field(
    fs: &FieldSpec,
    by_key: &HashMap<String, FieldId>,
    fields: &[Field],
    rows: &mut HashMap<String, usize>,
    reading: crate::normalize::Reading,
) -> std::result::Result<Field, String> {
    let rule = format!("field `{}`", fs.key);
    let valid_key = fs.key.starts_with(|c: char| c.is_ascii_lowercase())
        && fs
            .key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_key {
        return Err(format!("{rule}: keys are snake_case (a-z, 0-9, _)"));
    }
    let list = match &fs.list {
        None => None,
        Some(name) => match by_key.get(name) {
            Some(&id) if fields[id].kind == Kind::List => Some(id),
            _ => {
                return Err(format!(
                    "{rule}: `list = {name:?}` names no list field above it"
                ))
            }
        },
    };
    check_kind_rules(fs, &rule, list.is_some())?;
    let row_name = match (&fs.row, list) {
        (Some(r), _) => r.clone(),
        (None, Some(l)) => fields[l].key.clone(),
        (None, None) => fs.key.clone(),
    };
    let next_row = rows.len();
    let row = *rows.entry(row_name).or_insert(next_row);
    let mut options = Vec::with_capacity(fs.options.len());
    for o in &fs.options {
        if options.iter().any(|p: &Opt| p.code == o.code) {
            return Err(format!("{rule}: option `{}` is listed twice", o.code));
        }
        if o.label.is_empty() {
            return Err(format!("{rule}: option `{}` has no label", o.code));
        }
        let alternatives = o
            .label
            .iter()
            .map(|l| format!("(?:{l})"))
            .collect::<Vec<_>>();
        let pat = lazy_pattern(
            &format!("{rule} option `{}`", o.code),
            &alternatives.join("|"),
        )?;
        options.push(Opt {
            code: o.code.clone(),
            pattern: pat,
        });
    }
    let compile_all = |what: &str, srcs: &[String]| {
        srcs.iter()
            .map(|s| pattern(&format!("{rule} {what}"), s))
            .collect::<std::result::Result<Vec<_>, _>>()
    };
    // Labels are compiled with the other labels; a bad one is reported here,
    // with its field.
    for l in &fs.label {
        regex_syntax::Parser::new().parse(&fold(l)).map_err(|e| {
            format!(
                "{rule} label: bad pattern {l:?}: {}",
                first_line(&e.to_string())
            )
        })?;
    }
    let reading = match (&fs.format, fs.kind) {
        (None, _) => reading,
        (Some(f), Kind::Date | Kind::Period) => crate::normalize::locale::format(reading, f, true)
            .map_err(|e| format!("{rule}: {e}"))?,
        (Some(f), Kind::Money | Kind::Integer) => {
            crate::normalize::locale::format(reading, f, false)
                .map_err(|e| format!("{rule}: {e}"))?
        }
        (Some(_), kind) => {
            return Err(format!(
                "{rule}: `format` is for date, period, money and integer fields, not {}",
                format!("{kind:?}").to_lowercase()
            ))
        }
    };
    Ok(Field {
        key: fs.key.clone(),
        kind: fs.kind,
        reading,
        pdf_field: fs.pdf_field.clone(),
        row,
        list,
        children: Vec::new(),
        block: fs.block,
        ignore: compile_all("ignore", &fs.ignore)?,
        messages: fs.messages.clone(),
        unit: match &fs.unit {
            Some(u) => Some(pattern(
                &format!("{rule} unit"),
                &format!(r"^\s*(?:{u})\s*$"),
            )?),
            None => None,
        },
        option_search: Multi::new(
            options
                .iter()
                .enumerate()
                .map(|(i, o)| (i, o.pattern.as_str())),
        )
        .map_err(|e| format!("{rule} options: {e}"))?,
        options,
        options_from: None,
        pattern: match &fs.pattern {
            Some(p) => Some(checked_regex(&format!("{rule} pattern"), p)?),
            None => None,
        },
        max: fs.max.unwrap_or(5),
        column: fs.column.clone().unwrap_or_else(|| fs.key.clone()),
        position: match &fs.position {
            Some(p) => position(&rule, p)?,
            None => Position::After,
        },
        pages: match &fs.pages {
            Some(p) => pages(&rule, p)?,
            None => Vec::new(),
        },
        after: None,
        before: None,
        personal: fs.personal,
    })
}

/// `"above"`, `"below"`, `"above 2"`, `"below 3"`, `"after"`.
fn position(rule: &str, src: &str) -> std::result::Result<Position, String> {
    let bad = || {
        format!(
            "{rule}: `position = {src:?}`: write \"above\" or \"below\" (the next line), \"below 2\" (lines away), or \"after\""
        )
    };
    let mut words = src.split_whitespace();
    let side = words.next().ok_or_else(bad)?;
    let n = match words.next() {
        None => 1,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=20).contains(n))
            .ok_or_else(bad)?,
    };
    if words.next().is_some() {
        return Err(bad());
    }
    match side {
        "after" if n == 1 => Ok(Position::After),
        "above" => Ok(Position::Above(n)),
        "below" => Ok(Position::Below(n)),
        _ => Err(bad()),
    }
}

/// `"1"`, `"1-3"`, `"1,3"`, `"2-"` as inclusive ranges.
fn pages(rule: &str, src: &str) -> std::result::Result<Vec<(u32, u32)>, String> {
    let bad = || {
        format!("{rule}: `pages = {src:?}`: write pages as \"1\", \"1-3\", \"1,3\" or \"2-\" (from page 2 on)")
    };
    let page = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(bad)
    };
    src.split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) if b.trim().is_empty() => Ok((page(a)?, u32::MAX)),
            Some((a, b)) => {
                let (a, b) = (page(a)?, page(b)?);
                if a > b {
                    return Err(bad());
                }
                Ok((a, b))
            }
            None => page(part).map(|p| (p, p)),
        })
        .collect()
}

/// What each kind needs and refuses.
fn check_kind_rules(fs: &FieldSpec, rule: &str, in_list: bool) -> std::result::Result<(), String> {
    let group = matches!(fs.kind, Kind::Single | Kind::Multiple | Kind::Yesno);
    if fs.kind != Kind::Signature && fs.label.is_empty() && fs.pdf_field.is_none() {
        return Err(format!("{rule}: needs a `label` (or a `pdf_field`)"));
    }
    if fs.pdf_field.is_some() && (in_list || matches!(fs.kind, Kind::List | Kind::Counts)) {
        return Err(format!(
            "{rule}: `pdf_field` reads one field of a fillable PDF: not for lists, their entries or counts"
        ));
    }
    let valued = !group
        && !fs.block
        && !matches!(
            fs.kind,
            Kind::Box | Kind::Counts | Kind::List | Kind::Signature
        );
    if fs.position.is_some() && in_list {
        return Err(format!(
            "{rule}: `position` is for fields of the form, not of a list's entries"
        ));
    }
    if fs.position.is_some() && !valued {
        return Err(format!(
            "{rule}: `position` is for fields of one value (text, dates, numbers, ids), not groups, boxes, blocks, tables or lists"
        ));
    }
    if group && fs.options.is_empty() {
        return Err(format!("{rule}: a {:?} group needs `options`", fs.kind).to_lowercase());
    }
    if !group && !fs.options.is_empty() {
        return Err(format!(
            "{rule}: only single, multiple and yesno groups take `options`"
        ));
    }
    if fs.kind == Kind::Yesno {
        let mut codes: Vec<&str> = fs.options.iter().map(|o| o.code.as_str()).collect();
        codes.sort_unstable();
        if codes != ["no", "yes"] {
            return Err(format!(
                "{rule}: a yesno group has exactly the options `yes` and `no`"
            ));
        }
    }
    if (fs.kind == Kind::Counts) != fs.options_from.is_some() {
        return Err(format!(
            "{rule}: `options_from` goes with type = \"counts\", and counts need it"
        ));
    }
    if (fs.kind == Kind::Signature) != fs.pattern.is_some() {
        return Err(format!(
            "{rule}: `pattern` goes with type = \"signature\", and a signature needs it"
        ));
    }
    if fs.block && fs.kind != Kind::Text {
        return Err(format!("{rule}: only text fields can be a `block`"));
    }
    if fs.messages.is_some() && !(fs.block && in_list) {
        return Err(format!(
            "{rule}: `messages` goes with a block field inside a list"
        ));
    }
    if (fs.max.is_some() || fs.column.is_some()) && fs.kind != Kind::List {
        return Err(format!(
            "{rule}: `max` and `column` go with type = \"list\""
        ));
    }
    if fs.unit.is_some() && fs.kind != Kind::Integer {
        return Err(format!("{rule}: `unit` goes with type = \"integer\""));
    }
    if in_list && matches!(fs.kind, Kind::List | Kind::Signature | Kind::Counts) {
        return Err(format!("{rule}: a list cannot hold a {:?} field", fs.kind).to_lowercase());
    }
    Ok(())
}

fn resolve_options_from(
    specs: &[FieldSpec],
    by_key: &HashMap<String, FieldId>,
    fields: &mut [Field],
) -> std::result::Result<(), String> {
    for (id, fs) in specs.iter().enumerate() {
        if let Some(from) = &fs.options_from {
            match by_key.get(from) {
                Some(&g) if fields[g].is_group() => fields[id].options_from = Some(g),
                _ => {
                    return Err(format!(
                        "field `{}`: `options_from = {from:?}` names no checkbox group",
                        fs.key
                    ))
                }
            }
        }
    }
    Ok(())
}

/// A label shared by several fields must be told apart by its row.
fn check_shared_labels(labels: &[Label], fields: &[Field]) -> std::result::Result<(), String> {
    for label in labels {
        for (i, &a) in label.fields.iter().enumerate() {
            for &b in &label.fields[i + 1..] {
                if fields[a].row == fields[b].row {
                    return Err(format!(
                        "fields `{}` and `{}` share the label {:?} on the same row: give them different rows",
                        fields[a].key,
                        fields[b].key,
                        label.regex.as_str()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        Template::from_toml(src, "t.toml").unwrap_err().to_string()
    }

    #[test]
    fn built_in_templates_compile() {
        for (name, _) in BUILT_IN {
            let t = Template::load(name).unwrap();
            assert_eq!(&t.name, name);
        }
    }

    #[test]
    fn refuses_a_bad_regex_naming_the_field() {
        let e = err("name='x'\ntitle='x'\n[[field]]\nkey='cpf'\nlabel='cpf('\n");
        assert!(
            e.contains("template t.toml: field `cpf` label: bad pattern"),
            "{e}"
        );
    }

    #[test]
    fn refuses_a_bad_signature_pattern_before_it_is_compiled() {
        let e =
            err("name='x'\ntitle='x'\n[[field]]\nkey='sig'\ntype='signature'\npattern='^\\p{Lu'\n");
        assert!(
            e.contains(
                "template t.toml: field `sig` pattern: bad pattern \"^\\\\p{Lu\": \
                 error: incomplete escape sequence"
            ),
            "{e}"
        );
        let t = Template::load("processo-retencao").unwrap();
        let sig = &t.fields[t.signature.unwrap()];
        let pattern = sig.pattern.as_ref().unwrap();
        assert!(pattern.compiled.get().is_none(), "compiled on first use");
        assert!(pattern.regex().is_match("Maria Luiza de Souza"));
        assert!(!pattern.regex().is_match("ok 123"));
    }

    #[test]
    fn refuses_an_unknown_type() {
        let e = err("name='x'\ntitle='x'\n[[field]]\nkey='a'\ntype='colour'\nlabel='a'\n");
        assert!(e.contains("unknown variant `colour`"), "{e}");
        assert!(e.contains("t.toml"), "{e}");
    }

    #[test]
    fn refuses_a_duplicate_key() {
        let e = err(
            "name='x'\ntitle='x'\n[[field]]\nkey='a'\nlabel='a'\n[[field]]\nkey='a'\nlabel='b'\n",
        );
        assert!(e.contains("field `a` is defined twice"), "{e}");
    }

    #[test]
    fn refuses_shared_labels_on_one_row() {
        let e = err("name='x'\ntitle='x'\n[[field]]\nkey='a'\nlabel='uf'\nrow='r'\n[[field]]\nkey='b'\nlabel='UF'\nrow='r'\n");
        assert!(e.contains("share the label"), "{e}");
    }

    #[test]
    fn refuses_groups_without_options_and_odd_yesno() {
        let e = err("name='x'\ntitle='x'\n[[field]]\nkey='g'\ntype='single'\nlabel='g'\n");
        assert!(e.contains("needs `options`"), "{e}");
        let e = err("name='x'\ntitle='x'\n[[field]]\nkey='g'\ntype='yesno'\nlabel='g'\noptions=[{code='sim',label='sim'},{code='no',label='n'}]\n");
        assert!(e.contains("exactly the options `yes` and `no`"), "{e}");
    }

    #[test]
    fn refuses_rules_that_do_not_fit_the_fields() {
        let head = "name='x'\ntitle='x'\n[[field]]\nkey='s'\ntype='single'\nlabel='s'\noptions=[{code='a',label='a'}]\n[[field]]\nkey='m'\ntype='multiple'\nlabel='m'\noptions=[{code='a',label='a'}]\n[[field]]\nkey='t'\nlabel='t'\n";
        let cases = [
            (
                "[[rule]]\nrequired=['nope']\n",
                "rule 1: \"nope\" names no field",
            ),
            (
                "[[rule]]\nanswered=['m']\n",
                "rule 1: `answered` takes single or yesno groups, not `m`",
            ),
            (
                "[[rule]]\nwhen={field='s',is='b'}\nrequired=['t']\n",
                "rule 1: `when`: s cannot be \"b\"",
            ),
            (
                "[[rule]]\nrequired=['t']\none_of=['s']\n",
                "rule 1: give exactly one of",
            ),
            (
                "[[rule]]\nfield='t'\nnot_before='t'\n",
                "rule 1: `not_before` compares two date fields",
            ),
            (
                "[[hint]]\ngroup='m'\nlook_in=['t']\nwords=[{pattern='x',option='zz'}]\n",
                "hint 1: `m` has no option `zz`",
            ),
            (
                "[[hint]]\ngroup='t'\nlook_in=['t']\nwords=[]\n",
                "hint 1: `t` is not a checkbox group",
            ),
            (
                "[[revision]]\nname='v1'\nmarkers=['x']\nlacks=['zz']\n",
                "revision `v1` lacks: \"zz\" names no field",
            ),
        ];
        for (tail, want) in cases {
            let e = err(&format!("{head}{tail}"));
            assert!(e.contains(want), "{tail}: {e}");
        }
    }

    #[test]
    fn accents_in_patterns_are_folded() {
        let p = pattern("t", "Retenção").unwrap();
        assert!(p.is_match("RETENCAO"));
    }
}
