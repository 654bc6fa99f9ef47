//! How a form writes dates and numbers: the template's `locale` (pt-BR by
//! default, en-US for American forms), which a field may override with its
//! own `format`.

/// The order of a numeric date's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// `13/02/2025` (Brazil, and most of the world).
    #[default]
    DayFirst,
    /// `02/13/2025` (the United States).
    MonthFirst,
    /// `2025/02/13`.
    YearFirst,
}

/// How a number groups its thousands and marks its decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbers {
    /// `1.234,56` (Brazil).
    #[default]
    CommaDecimal,
    /// `1,234.56` (the United States).
    DotDecimal,
}

/// How one field's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reading {
    pub dates: DateOrder,
    pub numbers: Numbers,
    /// Month names of the locale (`fev`, `feb`) for periods and dates.
    pub english: bool,
}

/// The locales a template may name.
pub const LOCALES: &[&str] = &["pt-BR", "en-US"];

/// The reading of a template's `locale`.
pub fn locale(name: &str) -> Result<Reading, String> {
    match name.to_ascii_lowercase().replace('_', "-").as_str() {
        "pt-br" | "pt" => Ok(Reading::default()),
        "en-us" | "en" => Ok(Reading {
            dates: DateOrder::MonthFirst,
            numbers: Numbers::DotDecimal,
            english: true,
        }),
        _ => Err(format!(
            "`locale = {name:?}`: formsift knows {}",
            LOCALES.join(", ")
        )),
    }
}

/// The date formats a field's `format` may name.
pub const DATE_FORMATS: &[&str] = &["dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd"];
/// The number formats a field's `format` may name.
pub const NUMBER_FORMATS: &[&str] = &["1.234,56", "1,234.56"];

/// A field's `format` over the template's reading: a date order for dates
/// and periods, a number style for money and integers.
pub fn format(base: Reading, format: &str, dates: bool) -> Result<Reading, String> {
    let f = format.trim().to_ascii_lowercase();
    let mut r = base;
    if dates {
        let order = f.replace(['.', '-'], "/");
        r.dates = match order.as_str() {
            "dd/mm/yyyy" | "dd/mm/yy" | "dd/mm" => DateOrder::DayFirst,
            "mm/dd/yyyy" | "mm/dd/yy" | "mm/dd" => DateOrder::MonthFirst,
            "yyyy/mm/dd" => DateOrder::YearFirst,
            _ => {
                return Err(format!(
                    "`format = {format:?}`: a date's format is one of {}",
                    DATE_FORMATS.join(", ")
                ))
            }
        };
    } else {
        r.numbers = match f.as_str() {
            "1.234,56" | "1.234" => Numbers::CommaDecimal,
            "1,234.56" | "1,234" => Numbers::DotDecimal,
            _ => {
                return Err(format!(
                    "`format = {format:?}`: a number's format is one of {}",
                    NUMBER_FORMATS.join(", ")
                ))
            }
        };
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_and_formats() {
        assert_eq!(locale("pt-BR").unwrap(), Reading::default());
        let us = locale("en_US").unwrap();
        assert_eq!(us.dates, DateOrder::MonthFirst);
        assert_eq!(us.numbers, Numbers::DotDecimal);
        let e = locale("fr-FR").unwrap_err();
        assert_eq!(e, "`locale = \"fr-FR\"`: formsift knows pt-BR, en-US");
        let iso = format(us, "YYYY-MM-DD", true).unwrap();
        assert_eq!(iso.dates, DateOrder::YearFirst);
        assert_eq!(
            iso.numbers,
            Numbers::DotDecimal,
            "a date format keeps the numbers"
        );
        assert_eq!(
            format(us, "1.234,56", false).unwrap().numbers,
            Numbers::CommaDecimal
        );
        assert!(format(us, "mm/yyyy/dd", true)
            .unwrap_err()
            .contains("dd/mm/yyyy, mm/dd/yyyy"));
        assert!(format(us, "1 234,56", false).is_err());
    }
}
