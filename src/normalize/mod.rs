//! Typed values: text as written in a form becomes the value types of the
//! output contract (dates, periods, money, integers, CPF/CNPJ, UF). A value
//! that cannot be read is reported as [`Invalid`], quoting the raw text;
//! nothing is corrected or guessed.

mod form;
mod ids;
pub mod locale;
mod uf;

use std::sync::LazyLock;

use regex::Regex;

pub use form::{fields, options_seen, provenance};
pub use ids::{cnpj, cpf, Checked};
pub use locale::{DateOrder, Numbers, Reading};
pub use uf::uf;

/// Why a raw value is not a valid value of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// A stable snake_case code (`invalid_date`...).
    pub code: &'static str,
    /// A message a person understands, quoting the raw text.
    pub message: String,
}

impl Invalid {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            code,
            message: message.into(),
        }
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*([/.-])\s*([0-9]{4}|[0-9]{2})\.?$")
        .unwrap()
});
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$").unwrap());

/// A Brazilian date (`dd/mm/yyyy`, `dd/mm/yy`, `dd-mm-yyyy`, `dd.mm.yyyy`,
/// or ISO `yyyy-mm-dd`) as `YYYY-MM-DD`. Day and month are never swapped.
///
/// ```
/// use formsift::normalize::date;
/// assert_eq!(date("13/02/2025").unwrap(), "2025-02-13");
/// assert_eq!(date("05.03.25").unwrap(), "2025-03-05");
/// assert_eq!(date("31/02/2025").unwrap_err().code, "invalid_date");
/// // Digits are ASCII digits.
/// assert_eq!(date("١٣/٠٢/٢٠٢٥").unwrap_err().code, "invalid_date");
/// ```
pub fn date(raw: &str) -> Result<String, Invalid> {
    date_as(raw, Reading::default())
}

/// A date written in the order `r` says (`02/13/2025` month first for
/// en-US), or in ISO `yyyy-mm-dd`, which reads one way only. A date that
/// the other order would read is never swapped: it is invalid, and the
/// message says which order would read it.
///
/// ```
/// use formsift::normalize::{date_as, locale};
/// let us = locale::locale("en-US").unwrap();
/// assert_eq!(date_as("08/29/2020", us).unwrap(), "2020-08-29");
/// assert_eq!(date_as("03/04/2020", us).unwrap(), "2020-03-04");
/// assert!(date_as("29/08/2020", us).unwrap_err().message.contains("day first"));
/// ```
pub fn date_as(raw: &str, r: Reading) -> Result<String, Invalid> {
    let s = raw.trim();
    let bad = |why: &str| Invalid::new("invalid_date", format!("date {s:?}: {why}"));
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let written = match r.dates {
        DateOrder::DayFirst => "dd/mm/yyyy",
        DateOrder::MonthFirst => "mm/dd/yyyy",
        DateOrder::YearFirst => "yyyy-mm-dd",
    };
    // The two numbers before the year, as written.
    let (a, b2, y) = if b.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && digits(0..2)
        && digits(3..5)
        && digits(6..10)
    {
        // nn/nn/yyyy, most dates, read without the regex.
        (num(&s[..2]), num(&s[3..5]), year(&s[6..]))
    } else if let Some(c) = DATE.captures(s) {
        if c[2] != c[4] {
            return Err(bad("mixed separators"));
        }
        (num(&c[1]), num(&c[3]), year(&c[5]))
    } else if let Some(c) = ISO_DATE.captures(s) {
        return checked_date(num(&c[3]), num(&c[2]), num(&c[1])).map_err(|why| bad(&why));
    } else {
        return Err(bad(&format!("not a date in {written} form")));
    };
    let (d, m, other) = match r.dates {
        DateOrder::DayFirst => (a, b2, "month first (mm/dd/yyyy: `locale = \"en-US\"`, or the field's `format = \"mm/dd/yyyy\"`)"),
        DateOrder::MonthFirst => (b2, a, "day first (dd/mm/yyyy: the field's `format = \"dd/mm/yyyy\"`)"),
        DateOrder::YearFirst => return Err(bad(&format!("not a date in {written} form"))),
    };
    checked_date(d, m, y).map_err(|why| {
        // Would the other order read it? Said in the message, never done.
        match checked_date(m, d, y) {
            Ok(_) => bad(&format!("{why}; it reads as a date {other}")),
            Err(_) => bad(&why),
        }
    })
}

/// `YYYY-MM-DD` of a day that exists, else why not.
fn checked_date(d: u32, m: u32, y: u32) -> Result<String, String> {
    if !(1..=12).contains(&m) {
        Err(format!("there is no month {m}"))
    } else if d == 0 || d > days_in_month(y, m) {
        Err(format!("month {m} of {y} has no day {d}"))
    } else {
        Ok(iso_date(y, m, d))
    }
}

/// Day, month and year as written (`yy` or `yyyy`) as `YYYY-MM-DD`, when
/// such a day exists.
pub(crate) fn ymd(d: &str, m: &str, y: &str) -> Option<String> {
    let (d, m, y) = (num(d), num(m), year(y));
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| iso_date(y, m, d))
}

/// `YYYY-MM-DD`, as `format!("{y:04}-{m:02}-{d:02}")` writes it, without
/// the formatting machinery (every date of every form comes through here).
pub(crate) fn iso_date(y: u32, m: u32, d: u32) -> String {
    let mut out = iso_month(y, m);
    out.push('-');
    push_padded(&mut out, d, 2);
    out
}

/// `YYYY-MM`, the same way.
fn iso_month(y: u32, m: u32) -> String {
    let mut out = String::with_capacity(16);
    push_padded(&mut out, y, 4);
    out.push('-');
    push_padded(&mut out, m, 2);
    out
}

/// `n` in decimal, with zeros in front up to `width` digits.
pub(crate) fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut at = digits.len();
    let mut n = n;
    while n > 0 || at == digits.len() {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = at.min(digits.len() - width.min(digits.len()));
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

/// Two-digit years are this century's up to 69, the last's from 70.
fn year(s: &str) -> u32 {
    let y = num(s);
    match (s.len(), y) {
        (2, 0..=69) => 2000 + y,
        (2, _) => 1900 + y,
        _ => y,
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(\p{L}{3,9}|[0-9]{1,2})\s*[/.\- ]\s*([0-9]{4}|[0-9]{2})$").unwrap()
});

const MONTHS: [&str; 12] = [
    "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez",
];
const MONTHS_EN: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A production period: `mm/yyyy` (or `fev/2025`) as `YYYY-MM`; a full date
/// as `YYYY-MM-DD`.
///
/// ```
/// use formsift::normalize::period;
/// assert_eq!(period("02/2025").unwrap(), "2025-02");
/// assert_eq!(period("13/02/2025").unwrap(), "2025-02-13");
/// ```
pub fn period(raw: &str) -> Result<String, Invalid> {
    period_as(raw, Reading::default())
}

/// A period as [`period`] reads it, with full dates and month names as the
/// reading `r` writes them (`Feb 2025` in English).
pub fn period_as(raw: &str, r: Reading) -> Result<String, Invalid> {
    let s = raw.trim();
    let bad = || Invalid::new("invalid_period", format!("period {s:?}: not mm/yyyy"));
    let month_of =
        |month: u32, y: &str| (1..=12).contains(&month).then(|| iso_month(year(y), month));
    let b = s.as_bytes();
    if b.len() == 7 && b[2] == b'/' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
        // mm/yyyy, most periods, read without the regexes.
        return month_of(num(&s[..2]), &s[3..]).ok_or_else(bad);
    }
    if DATE.is_match(s) || ISO_DATE.is_match(s) {
        return date_as(s, r).map_err(|e| Invalid::new("invalid_period", e.message));
    }
    let c = PERIOD.captures(s).ok_or_else(bad)?;
    let month = match c[1].parse::<u32>() {
        Ok(m) => m,
        Err(_) => {
            let name = crate::input::fold::fold(&c[1]).to_lowercase();
            let months = if r.english { &MONTHS_EN } else { &MONTHS };
            let at = months
                .iter()
                .position(|m| name.starts_with(m))
                .ok_or_else(bad)?;
            at as u32 + 1
        }
    };
    month_of(month, &c[2]).ok_or_else(bad)
}

static MONEY_BR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]{1,2}))?$").unwrap()
});
static MONEY_US: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?$").unwrap()
});
static MONEY_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]+)\.([0-9]{1,2})$").unwrap());

/// Money as a decimal string with two places: `R$ 1.234,56` is `"1234.56"`.
/// Never a float.
///
/// ```
/// use formsift::normalize::money;
/// assert_eq!(money("R$ 1.234,56").unwrap(), "1234.56");
/// assert_eq!(money("R$1.234").unwrap(), "1234.00");
/// ```
pub fn money(raw: &str) -> Result<String, Invalid> {
    money_as(raw, Reading::default())
}

/// Money written the way `r` says: `R$ 1.234,56` (pt-BR) or `$1,234.56`,
/// `USD 1,234.56`, `($12.00)` for a negative sum (en-US).
///
/// ```
/// use formsift::normalize::{money_as, locale};
/// let us = locale::locale("en-US").unwrap();
/// assert_eq!(money_as("$1,234.56", us).unwrap(), "1234.56");
/// assert_eq!(money_as("1.234,56", us).unwrap_err().code, "invalid_money");
/// ```
pub fn money_as(raw: &str, r: Reading) -> Result<String, Invalid> {
    let s = raw.trim();
    let mut body = s;
    let mut negative = body.starts_with('-');
    if r.numbers == Numbers::DotDecimal && body.starts_with('(') && body.ends_with(')') {
        // Accounting's negative: ($1,234.56).
        negative = true;
        body = body[1..body.len() - 1].trim();
    }
    body = body.trim_start_matches('-').trim_start();
    let symbols: &[&str] = match r.numbers {
        Numbers::CommaDecimal => &["r$"],
        Numbers::DotDecimal => &["us$", "usd", "$"],
    };
    if let Some(sym) = symbols.iter().find(|sym| {
        body.get(..sym.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(sym))
    }) {
        negative |= body[sym.len()..].trim_start().starts_with('-');
        body = &body[sym.len()..];
    }
    body = body.trim_start_matches('-').trim();
    let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let (int, cents) = if r.numbers == Numbers::DotDecimal {
        match MONEY_US.captures(&body) {
            Some(c) => (
                c[1].replace(',', ""),
                c.get(2).map_or("", |m| m.as_str()).to_string(),
            ),
            None => {
                return Err(Invalid::new(
                    "invalid_money",
                    format!("amount {s:?}: not a sum of money written as 1,234.56"),
                ))
            }
        }
    } else if let Some(c) = MONEY_BR.captures(&body) {
        (
            c[1].replace('.', ""),
            c.get(2).map_or("", |m| m.as_str()).to_string(),
        )
    } else if let Some(c) = MONEY_DOT.captures(&body) {
        (c[1].to_string(), c[2].to_string())
    } else {
        return Err(Invalid::new(
            "invalid_money",
            format!("amount {s:?}: not a sum of money"),
        ));
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let cents = format!("{cents:0<2}");
    Ok(format!("{}{int}.{cents}", if negative { "-" } else { "" }))
}

static INTEGER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(.*)$").unwrap());

/// A count: `1.200` (pt-BR thousands) is 1200; `unit` is what may follow
/// the number ("5 dias").
///
/// ```
/// use formsift::normalize::integer;
/// assert_eq!(integer("1.200", None).unwrap(), 1200);
/// ```
pub fn integer(raw: &str, unit: Option<&Regex>) -> Result<i64, Invalid> {
    integer_as(raw, unit, Reading::default())
}

/// A count with its thousands grouped the way `r` says (`1,200` in en-US).
pub fn integer_as(raw: &str, unit: Option<&Regex>, r: Reading) -> Result<i64, Invalid> {
    if r.numbers == Numbers::DotDecimal {
        // Read as pt-BR with the two marks exchanged: `1,200` is `1.200`,
        // and `1.5` (a decimal) is `1,5`, no whole number.
        let swapped: String = raw
            .chars()
            .map(|c| match c {
                ',' => '.',
                '.' => ',',
                c => c,
            })
            .collect();
        return integer_as(&swapped, unit, Reading::default()).map_err(|_| {
            Invalid::new(
                "invalid_integer",
                format!("number {:?}: not a whole number", raw.trim()),
            )
        });
    }
    let s = raw.trim();
    let bad = || {
        Invalid::new(
            "invalid_integer",
            format!("number {s:?}: not a whole number"),
        )
    };
    if let Some(n) = plain_integer(s) {
        return n.ok_or_else(bad);
    }
    let c = INTEGER.captures(s).ok_or_else(bad)?;
    let rest = &c[2];
    let unit_ok =
        rest.trim().is_empty() || unit.is_some_and(|u| u.is_match(&crate::input::fold::fold(rest)));
    if !unit_ok {
        return Err(bad());
    }
    c[1].replace('.', "").parse().map_err(|_| bad())
}

/// Most counts are digits alone, or grouped by dots (`1.200`): read
/// without the regex, as it reads them (`Some(None)`: too large). `None`
/// for anything else, which the regex reads.
fn plain_integer(s: &str) -> Option<Option<i64>> {
    fn digits(g: &str) -> bool {
        !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())
    }
    fn push(n: Option<i64>, g: &str) -> Option<i64> {
        g.bytes().try_fold(n?, |n, b| {
            n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })
    }
    let mut groups = s.split('.');
    let first = groups.next()?;
    if !digits(first) {
        return None;
    }
    let mut n = push(Some(0), first);
    for g in groups {
        if first.len() > 3 || g.len() != 3 || !digits(g) {
            return None;
        }
        n = push(n, g);
    }
    Some(n)
}

/// Text as a value: trimmed, empty is `None`.
pub fn text(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_periods_read_by_hand_as_by_the_regexes() {
        // The fast paths against the regexes they skip.
        let by_regex = |s: &str| {
            let c = INTEGER.captures(s)?;
            c[2].is_empty()
                .then(|| c[1].replace('.', "").parse::<i64>().ok())
        };
        for s in [
            "0",
            "7",
            "1200",
            "1.200",
            "12.345.678",
            "1234.567",
            "1.2000",
            "1.20",
            ".200",
            "1.",
            "1..200",
            "",
            "x",
            "9223372036854775807",
            "9223372036854775808",
            "9.223.372.036.854.775.808",
            "٣",
            "1 200",
        ] {
            let fast = plain_integer(s);
            if let Some(n) = fast {
                assert_eq!(Some(n), by_regex(s), "{s:?}");
            } else {
                assert!(
                    by_regex(s).is_none() || s.contains(|c: char| !c.is_ascii_digit() && c != '.'),
                    "{s:?}"
                );
            }
        }
        for s in [
            "01/2025", "12/1999", "13/2025", "00/2025", "1/2025", "01/25", "jan/2025",
        ] {
            let by_regex = PERIOD.captures(s).and_then(|c| {
                let m: u32 = c[1].parse().ok()?;
                (1..=12)
                    .contains(&m)
                    .then(|| format!("{:04}-{m:02}", year(&c[2])))
            });
            let got = period(s).ok();
            if s.len() == 7 && s.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
                assert_eq!(got, by_regex, "{s:?}");
            }
        }
        assert_eq!(period("13/2025").unwrap_err().code, "invalid_period");
    }

    #[test]
    fn padded_numbers_as_format_writes_them() {
        for (y, m, d) in [
            (2025, 2, 13),
            (0, 0, 0),
            (7, 10, 31),
            (12345, 123, 9),
            (u32::MAX, 1, 1),
        ] {
            assert_eq!(iso_date(y, m, d), format!("{y:04}-{m:02}-{d:02}"));
        }
    }

    #[test]
    fn dates() {
        let ok = [
            ("13/02/2025", "2025-02-13"),
            ("1/2/2025", "2025-02-01"),
            ("13-02-2025", "2025-02-13"),
            ("13.02.2025", "2025-02-13"),
            ("13/02/25", "2025-02-13"),
            ("29/02/2024", "2024-02-29"),
            ("2025-02-13", "2025-02-13"),
            (" 02/03/2025 ", "2025-03-02"),
        ];
        for (raw, want) in ok {
            assert_eq!(date(raw).as_deref(), Ok(want), "{raw}");
        }
        for raw in [
            "31/02/2025",
            "29/02/2025",
            "13/13/2025",
            "00/01/2025",
            "02/13/2025",
            "13/02-2025",
            "amanhã",
            "13/02",
        ] {
            let e = date(raw).unwrap_err();
            assert_eq!(e.code, "invalid_date", "{raw}");
            assert!(e.message.contains(raw.trim()), "{}", e.message);
        }
    }

    #[test]
    fn periods() {
        assert_eq!(period("02/2025").unwrap(), "2025-02");
        assert_eq!(period("2/2025").unwrap(), "2025-02");
        assert_eq!(period("fev/2025").unwrap(), "2025-02");
        assert_eq!(period("Março 2025").unwrap(), "2025-03");
        assert_eq!(period("10/02/2025").unwrap(), "2025-02-10");
        assert_eq!(period("13/2025").unwrap_err().code, "invalid_period");
        assert_eq!(period("31/02/2025").unwrap_err().code, "invalid_period");
    }

    #[test]
    fn money_values() {
        let ok = [
            ("R$ 1.234,56", "1234.56"),
            ("1234,56", "1234.56"),
            ("R$1.234", "1234.00"),
            ("R$ 0,5", "0.50"),
            ("1.234.567,89", "1234567.89"),
            ("150", "150.00"),
            ("150.5", "150.50"),
            ("-R$ 10,00", "-10.00"),
        ];
        for (raw, want) in ok {
            assert_eq!(money(raw).as_deref(), Ok(want), "{raw}");
        }
        // Found by fuzzing: a value starting with a multi-byte character.
        for raw in [
            "R$ 1,234,56",
            "12,345",
            "dez reais",
            "1.23.4",
            "\u{FFFD}x",
            "ção",
        ] {
            assert_eq!(money(raw).unwrap_err().code, "invalid_money", "{raw}");
        }
    }

    #[test]
    fn integers() {
        let dias = Regex::new(r"(?i)^\s*(?:dias?)\s*$").unwrap();
        assert_eq!(integer("1.200", None), Ok(1200));
        assert_eq!(integer("42", None), Ok(42));
        assert_eq!(integer("5 dias", Some(&dias)), Ok(5));
        assert_eq!(integer("5 dias", None).unwrap_err().code, "invalid_integer");
        assert_eq!(integer("1,5", None).unwrap_err().code, "invalid_integer");
        assert_eq!(integer("doze", None).unwrap_err().code, "invalid_integer");
        assert_eq!(integer("12.34", None).unwrap_err().code, "invalid_integer");
    }

    #[test]
    fn american_dates_money_and_counts() {
        let us = locale::locale("en-US").unwrap();
        for (raw, want) in [
            ("08/29/2020", "2020-08-29"),
            ("03/04/2020", "2020-03-04"),
            ("2/13/25", "2025-02-13"),
            ("12-31-2024", "2024-12-31"),
            ("2020-08-29", "2020-08-29"),
        ] {
            assert_eq!(date_as(raw, us).as_deref(), Ok(want), "{raw}");
        }
        // Day first on an American form: invalid, and the message says so;
        // never read as 29 August.
        let e = date_as("29/08/2020", us).unwrap_err();
        assert_eq!(e.code, "invalid_date");
        assert_eq!(
            e.message,
            "date \"29/08/2020\": there is no month 29; it reads as a date day first \
             (dd/mm/yyyy: the field's `format = \"dd/mm/yyyy\"`)"
        );
        // And the other way round on a Brazilian form.
        let e = date("08/29/2020").unwrap_err();
        assert_eq!(
            e.message,
            "date \"08/29/2020\": there is no month 29; it reads as a date month first \
             (mm/dd/yyyy: `locale = \"en-US\"`, or the field's `format = \"mm/dd/yyyy\"`)"
        );
        // Neither order reads it: no hint.
        assert_eq!(
            date_as("31/31/2020", us).unwrap_err().message,
            "date \"31/31/2020\": there is no month 31"
        );
        assert_eq!(period_as("Feb 2025", us).unwrap(), "2025-02");
        assert_eq!(period_as("02/13/2025", us).unwrap(), "2025-02-13");

        for (raw, want) in [
            ("$1,234.56", "1234.56"),
            ("$ 1,234", "1234.00"),
            ("USD 12,345,678.9", "12345678.90"),
            ("US$ 10.00", "10.00"),
            ("($12.00)", "-12.00"),
            ("-$5.25", "-5.25"),
            ("$-5.25", "-5.25"),
            ("1234.5", "1234.50"),
        ] {
            assert_eq!(money_as(raw, us).as_deref(), Ok(want), "{raw}");
        }
        for raw in ["R$ 1.234,56", "1.234,56", "$1,23", "1,2345.00"] {
            assert_eq!(
                money_as(raw, us).unwrap_err().code,
                "invalid_money",
                "{raw}"
            );
        }
        assert_eq!(integer_as("1,200", None, us), Ok(1200));
        assert_eq!(
            integer_as("1.200", None, us).unwrap_err().code,
            "invalid_integer"
        );
        assert_eq!(
            integer_as("1.5", None, us).unwrap_err().message,
            "number \"1.5\": not a whole number"
        );
    }
}
