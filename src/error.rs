//! The library's one error type. Messages name the file, template rule or
//! line that failed, so the binary can print them as they are.

/// Everything that can stop formsift before records are written.
///
/// A document that cannot be read is *not* an `Error`: it becomes an error
/// record (see [`crate::record::Record::failed`]) and the batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The template file is not valid TOML or breaks a template rule.
    #[error("template {origin}: {message}")]
    Template { origin: String, message: String },
    /// No built-in template by that name and no file at that path.
    #[error("template {0:?}: no built-in template by that name and no such file (built-in: {1})")]
    UnknownTemplate(String, String),
    /// Flags that do not go together, or an output that cannot be written.
    #[error("{0}")]
    Usage(String),
    /// Writing the output failed.
    #[error("writing {target}: {source}")]
    Output {
        target: String,
        #[source]
        source: std::io::Error,
    },
    /// Any other I/O failure with its context.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn template(origin: &str, message: impl Into<String>) -> Self {
        Error::Template {
            origin: origin.to_string(),
            message: message.into(),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The message of a caught panic, for the record of the document it hit.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
