//! Small parsers for form and JSON input shared by the registry's commands. Each returns
//! the cleaned value or pushes an Italian message for its field.

use crate::error::FieldError;

pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// A required text of at most `max` characters.
    pub fn required(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, "required", format!("Indicare {label}"));
        } else if v.chars().count() > max {
            self.push(field, "too_long", format!("Al massimo {max} caratteri"));
        }
        v.to_owned()
    }
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.chars().count() > max {
            self.push(field, "too_long", format!("Al massimo {max} caratteri"));
        }
        Some(v.to_owned())
    }
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 254)?;
        let ok = v.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        }) && !v.contains(char::is_whitespace);
        if !ok {
            self.push(
                field,
                "email",
                "Indirizzo e-mail non valido (es. nome@dominio.it)",
            );
        }
        Some(v.to_lowercase())
    }
    pub fn phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 40)?;
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let ok = v.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || c == ' ' || c == '-' || c == '.' || (i == 0 && c == '+')
        }) && (6..=15).contains(&digits);
        if !ok {
            self.push(
                field,
                "phone",
                "Numero di telefono non valido: solo cifre, spazi e prefisso +",
            );
        }
        Some(v)
    }
}
