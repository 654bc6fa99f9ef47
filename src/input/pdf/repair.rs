//! Rebuilding a lost cross-reference table. A PDF whose `startxref` or
//! xref offsets are wrong (cut, edited by hand, badly concatenated) still
//! holds its objects; lopdf refuses it, while other readers rebuild the
//! table by scanning for `N G obj`. This does the same, and appends a fresh
//! table and trailer so lopdf can load the file.

use std::fmt::Write;
use std::sync::LazyLock;

use regex::bytes::Regex;

static OBJ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*(\d{1,7})[ \t]+(\d{1,5})[ \t]+obj\b").unwrap());
static CATALOG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/Type\s*/Catalog\b").unwrap());

/// The bytes with a rebuilt xref table, or `None` when no object or no
/// catalog is found.
pub fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut objects: Vec<(u32, u16, usize)> = OBJ
        .captures_iter(bytes)
        .filter_map(|c| {
            let id = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            let gen = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            Some((
                id,
                gen,
                c.get(0)?.start() + (c[0].len() - c[0].trim_ascii_start().len()),
            ))
        })
        .collect();
    if objects.is_empty() {
        return None;
    }
    let catalog_at = CATALOG.find(bytes)?.start();
    let root = objects
        .iter()
        .filter(|o| o.2 <= catalog_at)
        .max_by_key(|o| o.2)?;
    let (root_id, root_gen) = (root.0, root.1);
    // A later definition of an object replaces an earlier one.
    objects.sort_by_key(|o| (o.0, o.2));
    let size = objects.iter().map(|o| o.0).max()? + 1;
    let mut offsets: Vec<Option<(u16, usize)>> = vec![None; size as usize];
    for (id, gen, at) in objects {
        offsets[id as usize] = Some((gen, at));
    }
    let mut table = String::with_capacity(20 * offsets.len() + 128);
    let _ = write!(table, "\nxref\n0 {size}\n");
    for entry in &offsets {
        match entry {
            Some((gen, at)) => {
                let _ = writeln!(table, "{at:010} {gen:05} n ");
            }
            None => table.push_str("0000000000 65535 f \n"),
        }
    }
    let mut out = bytes.to_vec();
    let xref_at = out.len() + 1;
    let _ = write!(
        table,
        "trailer\n<< /Size {size} /Root {root_id} {root_gen} R >>\nstartxref\n{xref_at}\n%%EOF\n"
    );
    out.extend_from_slice(table.as_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_a_table_of_the_objects_found() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>\nendobj\nstartxref\n9999\n%%EOF\n";
        let fixed = String::from_utf8(rebuild_xref(pdf).unwrap()).unwrap();
        assert!(
            fixed.contains(
                "xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
            ),
            "{fixed}"
        );
        assert!(fixed.contains("trailer\n<< /Size 4 /Root 1 0 R >>"));
        let pdf = hayro_syntax::Pdf::new(fixed.into_bytes()).expect("the rebuilt file opens");
        assert_eq!(pdf.pages().len(), 1);
        assert!(rebuild_xref(b"%PDF-1.4\nnothing here").is_none());
    }
}
