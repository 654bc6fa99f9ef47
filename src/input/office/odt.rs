//! LibreOffice text documents (`.odt`) into the layout model.

use super::{Archive, Failure};
use crate::document::Document;

/// Reads the text document in `archive`.
pub fn read(_archive: &mut Archive) -> Result<Document, Failure> {
    Err(Failure::new("odt_invalid", "not yet"))
}
