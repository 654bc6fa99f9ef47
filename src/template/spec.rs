//! The template file as written by a person (TOML), before it is checked and
//! compiled. See the README's "Template format" for the documentation.

use serde::Deserialize;

/// A whole template file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Short name, written into every record (`"template"`).
    pub name: String,
    /// What form this describes, for `--help` and listings.
    #[serde(default)]
    pub description: String,
    /// Pattern of the form's title line; a file with the title twice holds two forms.
    pub title: String,
    /// How the form writes dates and numbers: `pt-BR` (the default) or
    /// `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
    /// Revisions of the form and the labels that tell them apart.
    #[serde(default)]
    pub revision: Vec<RevisionSpec>,
    /// Fields in output order.
    #[serde(default)]
    pub field: Vec<FieldSpec>,
    /// Completeness rules.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    /// Words in the notes that name an option of a group.
    #[serde(default)]
    pub hint: Vec<HintSpec>,
}

/// One revision of the form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionSpec {
    pub name: String,
    /// Patterns that appear only (or mostly) in this revision.
    pub markers: Vec<String>,
    /// Keys this revision does not print: rules about them do not apply.
    #[serde(default)]
    pub lacks: Vec<String>,
}

/// One completeness rule: an optional condition and one check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// The rule applies only when this holds.
    #[serde(default)]
    pub when: Option<WhenSpec>,
    /// Each of these has a value.
    #[serde(default)]
    pub required: Vec<String>,
    /// At least one of these has a value.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// Each of these single-choice or yes/no groups has exactly one box checked.
    #[serde(default)]
    pub answered: Vec<String>,
    /// With `not_before`: this date is not before that one.
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub not_before: Option<String>,
}

/// A condition: the field's value is (or, for a list, contains) `is`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    pub field: String,
    pub is: toml::Value,
}

/// Words in the notes that name an option of a group: a reviewer is warned
/// when the notes use them and the option is not checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HintSpec {
    pub group: String,
    #[serde(default)]
    pub when: Option<WhenSpec>,
    /// Text fields to read (`obs_geral`, or `contatos.obs` for every entry).
    pub look_in: Vec<String>,
    pub words: Vec<WordSpec>,
}

/// A pattern and the option it names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordSpec {
    pub pattern: String,
    pub option: String,
}

/// The value type (or structure) of a field.
#[derive(Debug, Deserialize, serde::Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Date,
    Period,
    Money,
    Integer,
    Cpf,
    Cnpj,
    Uf,
    /// A checkbox group where at most one option is checked.
    Single,
    /// A checkbox group of independent options.
    Multiple,
    /// Two boxes, `yes` and `no`.
    Yesno,
    /// One box whose label is the field's label.
    Box,
    /// A table of counts: each number stands in the cell before an option
    /// of another group (`options_from`).
    Counts,
    /// A repeated block (1º, 2º... contato); its fields name it in `list`.
    List,
    /// A name alone on the last line of the form.
    Signature,
}

/// One field, checkbox group, table or list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    #[serde(rename = "type", default = "default_kind")]
    pub kind: Kind,
    /// Label patterns (one string or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    pub label: Vec<String>,
    /// Fields printed on one row share a row name; a label that several
    /// fields share ("UF", "Data") goes to the one whose row it stands in.
    #[serde(default)]
    pub row: Option<String>,
    /// For a field of a repeated block: the key of the `list` field.
    #[serde(default)]
    pub list: Option<String>,
    /// The value is free text that may run over several lines.
    #[serde(default)]
    pub block: bool,
    /// Printed text that is not a value (instructions on the form).
    #[serde(default, deserialize_with = "one_or_many")]
    pub ignore: Vec<String>,
    /// For a block: where to put the chat messages found in it.
    #[serde(default)]
    pub messages: Option<String>,
    /// For integers: a unit that may follow the number ("5 dias").
    #[serde(default)]
    pub unit: Option<String>,
    /// For dates, periods, money and integers: how this field writes them
    /// when it differs from the template's `locale` (`mm/dd/yyyy`,
    /// `1,234.56`).
    #[serde(default)]
    pub format: Option<String>,
    /// In a fillable PDF: the full name of the field that holds the value
    /// (`Vendor.Name.First`), read from the form whatever the page prints.
    #[serde(default)]
    pub pdf_field: Option<String>,
    /// Where the value stands when not after its label (in its cell, the
    /// cell to its right or below): `"above"` or `"below"` its label, in
    /// the label's column, or `"above 2"` / `"below 3"` lines away.
    #[serde(default)]
    pub position: Option<String>,
    /// The pages the field's label is read on: `"1"`, `"1-2"`, `"1,3"`,
    /// `"2-"`. Elsewhere the label is text (an instruction page).
    #[serde(default)]
    pub pages: Option<String>,
    /// The field's label is read only after the first line that matches
    /// this heading pattern.
    #[serde(default)]
    pub after: Option<String>,
    /// The field's label is read only before the first line that matches
    /// this heading pattern.
    #[serde(default)]
    pub before: Option<String>,
    /// The value is personal data (a name, a phone, an e-mail): masked or
    /// pseudonymized whole with `--redact`.
    #[serde(default)]
    pub personal: bool,
    /// For checkbox groups: the options, in output order.
    #[serde(default)]
    pub options: Vec<OptionSpec>,
    /// For `counts`: the group whose options label the table's cells.
    #[serde(default)]
    pub options_from: Option<String>,
    /// For `signature`: what a name looks like.
    #[serde(default)]
    pub pattern: Option<String>,
    /// For `list`: how many entries the spreadsheet columns have room for.
    #[serde(default)]
    pub max: Option<u32>,
    /// For `list`: the prefix of its spreadsheet columns (`contato` gives
    /// `contato_1_data`); the key by default.
    #[serde(default)]
    pub column: Option<String>,
}

fn default_kind() -> Kind {
    Kind::Text
}

/// One option of a checkbox group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub code: String,
    #[serde(deserialize_with = "one_or_many")]
    pub label: Vec<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}
