//! Usernames and passwords as types that can only hold acceptable values.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "Il nome utente deve avere da 3 a 64 caratteri: lettere minuscole, cifre, punto, trattino o trattino basso"
    )]
    Username,
    #[error("La password deve avere almeno 12 caratteri")]
    PasswordTooShort,
    #[error("La password non può superare 128 caratteri")]
    PasswordTooLong,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, CredentialError> {
        let s = input.trim().to_lowercase();
        let ok = (3..=64).contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c));
        if ok {
            Ok(Self(s))
        } else {
            Err(CredentialError::Username)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: long enough to resist guessing, short enough not to be a hashing DoS.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, CredentialError> {
        match input.chars().count() {
            n if n < 12 => Err(CredentialError::PasswordTooShort),
            n if n > 128 => Err(CredentialError::PasswordTooLong),
            _ => Ok(Self(input.to_owned())),
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" M.Rossi ").unwrap().as_str(), "m.rossi");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("mario rossi").is_err());
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("abbastanza-lunga").is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
    }
}
