//! The output record: the contract of `spec/processo-retencao.md`
//! ("The envelope around a record").

use serde::Serialize;
use serde_json::{Map, Value};

/// How much an issue matters: an error makes a record incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Something a reviewer should know about a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub severity: Severity,
    /// The key concerned (`cpf`, `contatos[2].data`), if any.
    pub field: Option<String>,
    /// A stable snake_case code.
    pub code: String,
    /// What is wrong, for a person, quoting the text where it helps.
    pub message: String,
    /// The input line, where known.
    pub line: Option<usize>,
}

impl Issue {
    /// An error about `field`.
    pub fn error(field: Option<String>, code: &str, message: String, line: Option<usize>) -> Issue {
        Issue {
            severity: Severity::Error,
            field,
            code: code.to_string(),
            message,
            line,
        }
    }

    /// A warning about `field`.
    pub fn warning(
        field: Option<String>,
        code: &str,
        message: String,
        line: Option<usize>,
    ) -> Issue {
        Issue {
            severity: Severity::Warning,
            ..Issue::error(field, code, message, line)
        }
    }
}

/// Text no field took, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub line: usize,
    pub text: String,
    /// Where the line is in a document read through the layout model
    /// (`body/tbl[2]/tr[1]`), as in [`Origin::at`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// Where a value came from: its line, and the text as written (for a block
/// of text, its last line instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Where the line is in a document read through the layout model (a
    /// Word or LibreOffice original, a PDF): `body/tbl[2]/tr[1]/tc[3]/p[1]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The origin of each value, by key (`cpf`, `contatos[2].data`), in the
/// template's order; written as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance(pub Vec<(String, Origin)>);

impl Serialize for Provenance {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, origin) in &self.0 {
            map.serialize_entry(key, origin)?;
        }
        map.end()
    }
}

/// Why a document gave no form at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Failure {
    pub code: String,
    /// What is wrong with the file, in a user's words.
    pub message: String,
    /// The reader's own words for it, where they add something (for a
    /// bug report); left out of records when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Failure {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Failure {
            code: code.to_string(),
            message: message.into(),
            detail: None,
        }
    }

    /// With the reader's own words besides the user's.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// One form read from one document, or a document that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The path as given.
    pub source: String,
    /// 1-based position of the form in its file; `null` for a failed document.
    pub form_index: Option<usize>,
    pub template: String,
    /// The revision the labels show, or `null` when unsure.
    pub revision: Option<String>,
    /// No issue of severity error.
    pub complete: bool,
    /// The values by key, in the template's order; `null` for a failed document.
    pub fields: Option<Map<String, Value>>,
    pub issues: Vec<Issue>,
    pub unplaced: Vec<Unplaced>,
    /// Where each value came from (`{"line", "raw"}` by key); absent for a
    /// failed document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Set only for a document that could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Failure>,
    /// For each multiple-choice group: which options the form printed (for
    /// spreadsheet columns; not part of the JSON record).
    #[serde(skip)]
    pub options_seen: std::collections::BTreeMap<String, Vec<bool>>,
}

impl Record {
    /// The record of a document that could not be read.
    pub fn failed(source: &str, template: &str, code: &str, message: String) -> Record {
        Record::from_failure(source, template, Failure::new(code, message))
    }

    /// The record of a document that could not be read, for this failure.
    pub fn from_failure(source: &str, template: &str, failure: Failure) -> Record {
        Record {
            source: source.to_string(),
            form_index: None,
            template: template.to_string(),
            revision: None,
            complete: false,
            fields: None,
            issues: Vec::new(),
            unplaced: Vec::new(),
            provenance: None,
            error: Some(failure),
            options_seen: Default::default(),
        }
    }

    /// Errors among the issues.
    pub fn errors(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count()
    }

    /// Warnings among the issues.
    pub fn warnings(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .count()
    }
}
