//! Brazilian states (UF): the 27 two-letter codes, or a state's full name.

use super::Invalid;
use crate::input::fold::fold;

const STATES: [(&str, &str); 27] = [
    ("AC", "acre"),
    ("AL", "alagoas"),
    ("AP", "amapa"),
    ("AM", "amazonas"),
    ("BA", "bahia"),
    ("CE", "ceara"),
    ("DF", "distrito federal"),
    ("ES", "espirito santo"),
    ("GO", "goias"),
    ("MA", "maranhao"),
    ("MT", "mato grosso"),
    ("MS", "mato grosso do sul"),
    ("MG", "minas gerais"),
    ("PA", "para"),
    ("PB", "paraiba"),
    ("PR", "parana"),
    ("PE", "pernambuco"),
    ("PI", "piaui"),
    ("RJ", "rio de janeiro"),
    ("RN", "rio grande do norte"),
    ("RS", "rio grande do sul"),
    ("RO", "rondonia"),
    ("RR", "roraima"),
    ("SC", "santa catarina"),
    ("SP", "sao paulo"),
    ("SE", "sergipe"),
    ("TO", "tocantins"),
];

/// A UF code in upper case, from a code in any case or a state's name.
///
/// ```
/// use formsift::normalize::uf;
/// assert_eq!(uf("sp").unwrap(), "SP");
/// assert_eq!(uf("São Paulo").unwrap(), "SP");
/// assert_eq!(uf("XX").unwrap_err().code, "invalid_uf");
/// ```
pub fn uf(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim().trim_end_matches('.');
    let folded = fold(s).to_lowercase();
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    STATES
        .iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(&folded) || *name == folded)
        .map(|(code, _)| code.to_string())
        .ok_or_else(|| {
            Invalid::new(
                "invalid_uf",
                format!("UF {:?}: not one of the 27 states", raw.trim()),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names() {
        assert_eq!(uf("RS").unwrap(), "RS");
        assert_eq!(uf(" rj ").unwrap(), "RJ");
        assert_eq!(uf("Mato Grosso do Sul").unwrap(), "MS");
        assert_eq!(uf("Espírito Santo").unwrap(), "ES");
        for bad in ["XX", "S", "SPP", "Paulista"] {
            let e = uf(bad).unwrap_err();
            assert_eq!(e.code, "invalid_uf");
            assert!(e.message.contains(bad));
        }
    }
}
