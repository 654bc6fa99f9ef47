//! Decimal digits of an integer, by hand: where a number is written per line
//! or per value, `write!` and its formatting machinery cost ten times more.

/// The decimal digits of `n`, written into `buf`.
pub(crate) fn decimal(n: u64, buf: &mut [u8; 20]) -> &str {
    let mut n = n;
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(super::decimal(n, &mut [0; 20]), n.to_string());
        }
    }
}
