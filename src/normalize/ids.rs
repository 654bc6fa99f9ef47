//! Brazilian taxpayer numbers: CPF (people) and CNPJ (companies, with the
//! alphanumeric form in force from July 2026). Check digits are verified,
//! never corrected.

use super::Invalid;

/// A checked identifier: the formatted value (kept even when a check digit
/// is wrong) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub value: Option<String>,
    pub error: Option<Invalid>,
}

/// A CPF as `000.000.000-00`.
///
/// ```
/// use formsift::normalize::cpf;
/// assert_eq!(cpf("52998224725").value.as_deref(), Some("529.982.247-25"));
/// assert_eq!(cpf("529.982.247-24").error.unwrap().code, "invalid_check_digit");
/// ```
pub fn cpf(raw: &str) -> Checked {
    let s = raw.trim();
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' ' | '/'))
        .map(|c| c.to_digit(10).unwrap_or(99))
        .collect();
    if digits.len() != 11 || digits.contains(&99) {
        return Checked {
            value: None,
            error: Some(Invalid::new(
                "invalid_cpf",
                format!("CPF {s:?}: not 11 digits"),
            )),
        };
    }
    let d: String = digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect();
    let formatted = format!("{}.{}.{}-{}", &d[..3], &d[3..6], &d[6..9], &d[9..]);
    let all_same = digits.iter().all(|&x| x == digits[0]);
    let dv1 = check_digit(&digits[..9], 10);
    let dv2 = check_digit(&digits[..10], 11);
    let error = if all_same {
        Some(Invalid::new(
            "invalid_check_digit",
            format!("CPF {formatted}: all digits equal is not a real CPF"),
        ))
    } else if (dv1, dv2) != (digits[9], digits[10]) {
        Some(Invalid::new(
            "invalid_check_digit",
            format!("CPF {formatted}: wrong check digit"),
        ))
    } else {
        None
    };
    Checked {
        value: Some(formatted),
        error,
    }
}

/// Mod-11 check digit with weights counting down from `first` to 2 (CPF).
fn check_digit(values: &[u32], first: u32) -> u32 {
    let sum: u32 = values
        .iter()
        .zip((2..=first).rev())
        .map(|(v, w)| v * w)
        .sum();
    let r = sum % 11;
    if r < 2 {
        0
    } else {
        11 - r
    }
}

/// A CNPJ as `00.000.000/0000-00`, numeric or alphanumeric (`12.ABC.345/01DE-35`).
///
/// ```
/// use formsift::normalize::cnpj;
/// assert_eq!(cnpj("11222333000181").value.as_deref(), Some("11.222.333/0001-81"));
/// assert!(cnpj("12.ABC.345/01DE-35").error.is_none());
/// ```
pub fn cnpj(raw: &str) -> Checked {
    let s = raw.trim();
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' ' | '/'))
        .collect();
    let shape_ok = chars.len() == 14
        && chars[..12].iter().all(|c| c.is_ascii_alphanumeric())
        && chars[12..].iter().all(|c| c.is_ascii_digit());
    if !shape_ok {
        return Checked {
            value: None,
            error: Some(Invalid::new(
                "invalid_cnpj",
                format!("CNPJ {s:?}: not 12 letters or digits and 2 check digits"),
            )),
        };
    }
    let c: String = chars.iter().collect();
    let formatted = format!(
        "{}.{}.{}/{}-{}",
        &c[..2],
        &c[2..5],
        &c[5..8],
        &c[8..12],
        &c[12..]
    );
    if chars.iter().any(|c| c.is_ascii_lowercase()) {
        return Checked {
            value: Some(formatted.clone()),
            error: Some(Invalid::new(
                "invalid_cnpj",
                format!("CNPJ {formatted}: letters of a CNPJ are upper case"),
            )),
        };
    }
    let values: Vec<u32> = chars.iter().map(|&c| c as u32 - '0' as u32).collect();
    const W1: [u32; 12] = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const W2: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let dv = |n: usize, w: &[u32]| {
        let r = values[..n].iter().zip(w).map(|(v, w)| v * w).sum::<u32>() % 11;
        if r < 2 {
            0
        } else {
            11 - r
        }
    };
    let ok = dv(12, &W1) == values[12] && dv(13, &W2) == values[13];
    let all_same = values.iter().all(|&v| v == values[0]);
    Checked {
        error: (!ok || all_same).then(|| {
            Invalid::new(
                "invalid_check_digit",
                format!("CNPJ {formatted}: wrong check digit"),
            )
        }),
        value: Some(formatted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpf_examples_from_the_notes() {
        for ok in [
            "529.982.247-25",
            "111.444.777-35",
            "123.456.789-09",
            "52998224725",
            "529982247-25",
        ] {
            let c = cpf(ok);
            assert!(c.error.is_none(), "{ok}: {:?}", c.error);
        }
        assert_eq!(cpf("529982247-25").value.as_deref(), Some("529.982.247-25"));
        for bad in ["529.982.247-24", "123.456.789-00", "111.111.111-11"] {
            let c = cpf(bad);
            assert_eq!(c.value.as_deref(), Some(bad), "kept, formatted");
            assert_eq!(c.error.unwrap().code, "invalid_check_digit", "{bad}");
        }
        let short = cpf("529.982.247");
        assert_eq!(short.value, None);
        assert_eq!(short.error.unwrap().code, "invalid_cpf");
    }

    #[test]
    fn cnpj_examples_from_the_notes() {
        for ok in [
            "11.222.333/0001-81",
            "12.ABC.345/01DE-35",
            "11222333000181",
            "12ABC34501DE35",
        ] {
            let c = cnpj(ok);
            assert!(c.error.is_none(), "{ok}: {:?}", c.error);
        }
        assert_eq!(
            cnpj("12ABC34501DE35").value.as_deref(),
            Some("12.ABC.345/01DE-35")
        );
        let wrong = cnpj("11.222.333/0001-82");
        assert_eq!(wrong.value.as_deref(), Some("11.222.333/0001-82"));
        assert_eq!(wrong.error.unwrap().code, "invalid_check_digit");
        let lower = cnpj("12.abc.345/01de-35");
        assert_eq!(lower.error.unwrap().code, "invalid_cnpj");
        assert_eq!(cnpj("11.222.333/0001").error.unwrap().code, "invalid_cnpj");
        assert_eq!(
            cnpj("00.000.000/0000-00").error.unwrap().code,
            "invalid_check_digit"
        );
    }
}
