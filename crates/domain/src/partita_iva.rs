//! Partita IVA: 11 digits, the last a Luhn check digit (DM 23/12/1976). The same algorithm
//! checks the 11-digit temporary codice fiscale.

use std::fmt;

use serde::Serialize;

/// A partita IVA whose format and check digit are valid. Only digits, no `IT` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PartitaIva(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PivaError {
    #[error("{}", self.message())]
    Length { found: usize },
    #[error("{}", self.message())]
    Characters,
    #[error("{}", self.message())]
    AllZeros,
    #[error("{}", self.message())]
    CheckDigit { expected: char, found: char },
}

impl PivaError {
    /// Stable machine code, for APIs and form field errors.
    pub fn code(&self) -> &'static str {
        match self {
            PivaError::Length { .. } => "length",
            PivaError::Characters => "characters",
            PivaError::AllZeros => "all_zeros",
            PivaError::CheckDigit { .. } => "check_digit",
        }
    }

    /// Message for the user, in Italian.
    pub fn message(&self) -> String {
        match self {
            PivaError::Length { .. } => "La partita IVA deve essere di 11 cifre".to_owned(),
            PivaError::Characters => "La partita IVA deve contenere solo cifre".to_owned(),
            PivaError::AllZeros => "La partita IVA non può essere composta da soli zeri".to_owned(),
            PivaError::CheckDigit { expected, .. } => {
                format!(
                    "La cifra di controllo della partita IVA non corrisponde: attesa «{expected}»"
                )
            }
        }
    }
}

impl PartitaIva {
    /// Accepts surrounding spaces; the value kept is the 11 digits.
    pub fn parse(input: &str) -> Result<Self, PivaError> {
        validate_11_digits(input).map(PartitaIva)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits 8–10: the code of the issuing provincial office.
    pub fn office_code(&self) -> &str {
        &self.0[7..10]
    }
}

impl fmt::Display for PartitaIva {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PartitaIva {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Shared by the partita IVA and the temporary codice fiscale: trimmed, 11 ASCII digits,
/// not all zero, Luhn check digit.
pub(crate) fn validate_11_digits(input: &str) -> Result<String, PivaError> {
    let s = input.trim();
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PivaError::Characters);
    }
    if s.len() != 11 {
        return Err(PivaError::Length { found: s.len() });
    }
    if s.bytes().all(|b| b == b'0') {
        return Err(PivaError::AllZeros);
    }
    let expected = check_digit(&s[..10]);
    let found = char::from(s.as_bytes()[10]);
    if expected != found {
        return Err(PivaError::CheckDigit { expected, found });
    }
    Ok(s.to_owned())
}

/// The check digit for the first 10 digits: digits in odd positions (1-based) are added as
/// they are, those in even positions are doubled (minus 9 if above 9); the check digit brings
/// the total to a multiple of 10. Non-digits count as 0; callers validate first.
pub fn check_digit(first10: &str) -> char {
    let sum: u32 = first10
        .bytes()
        .take(10)
        .enumerate()
        .map(|(i, b)| {
            let d = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                0
            };
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_numbers() {
        // 0074311015|7: odd positions 0+7+3+1+1 = 12; even 0,4,1,0,5 doubled 0+8+2+0+(10-9) = 11;
        // total 23 → check (10 - 3) % 10 = 7. Office code 015 (Milano).
        let p = PartitaIva::parse("00743110157").unwrap();
        assert_eq!(p.as_str(), "00743110157");
        assert_eq!(p.office_code(), "015");
        // 1234567890|3: odd 1+3+5+7+9 = 25; even 2,4,6,8,0 doubled 4+8+3+7+0 = 22;
        // total 47 → check 3.
        assert_eq!(
            PartitaIva::parse("12345678903").unwrap().to_string(),
            "12345678903"
        );
        // 0123456789|7: odd 0+2+4+6+8 = 20; even 1,3,5,7,9 doubled 2+6+1+5+9 = 23;
        // total 43 → check 7.
        assert!(PartitaIva::parse("01234567897").is_ok());
    }

    #[test]
    fn surrounding_spaces_accepted() {
        assert_eq!(
            PartitaIva::parse("  00743110157\t").unwrap().as_str(),
            "00743110157"
        );
    }

    #[test]
    fn wrong_check_digit() {
        let e = PartitaIva::parse("00743110158").unwrap_err();
        assert_eq!(
            e,
            PivaError::CheckDigit {
                expected: '7',
                found: '8'
            }
        );
        assert_eq!(e.code(), "check_digit");
        assert_eq!(
            e.to_string(),
            "La cifra di controllo della partita IVA non corrisponde: attesa «7»"
        );
        // Swapping two adjacent digits is caught by the doubling.
        assert!(PartitaIva::parse("07043110157").is_err());
    }

    #[test]
    fn wrong_length() {
        let e = PartitaIva::parse("0074311015").unwrap_err();
        assert_eq!(e, PivaError::Length { found: 10 });
        assert_eq!(e.code(), "length");
        assert_eq!(e.message(), "La partita IVA deve essere di 11 cifre");
        assert_eq!(
            PartitaIva::parse("007431101570").unwrap_err(),
            PivaError::Length { found: 12 }
        );
        assert_eq!(
            PartitaIva::parse("").unwrap_err(),
            PivaError::Length { found: 0 }
        );
    }

    #[test]
    fn non_digits_and_all_zeros() {
        for bad in [
            "IT00743110157",
            "0074311015A",
            "00743 110157",
            "٠٠٧٤٣١١٠١٥٧",
        ] {
            let e = PartitaIva::parse(bad).unwrap_err();
            assert_eq!(e, PivaError::Characters, "{bad}");
            assert_eq!(e.code(), "characters");
        }
        let e = PartitaIva::parse("00000000000").unwrap_err();
        assert_eq!(e.code(), "all_zeros");
    }

    #[test]
    fn check_digit_of_prefixes() {
        assert_eq!(check_digit("0074311015"), '7');
        assert_eq!(check_digit("1234567890"), '3');
        assert_eq!(check_digit("0000000000"), '0');
    }
}
