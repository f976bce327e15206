//! Text as the registry compares it.

/// Upper-case `A`–`Z` only: accented Latin letters lose their accent, the rest (spaces,
/// apostrophes, digits) is dropped, so «D'Angelo», «d angelo» and «DANGELO» match. The
/// codice fiscale uses the same folding for its name letters.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_uppercase());
            continue;
        }
        let folded = match c.to_lowercase().next().unwrap_or(c) {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "A",
            'æ' => "AE",
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "C",
            'ď' | 'đ' | 'ð' => "D",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "E",
            'ğ' | 'ģ' => "G",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "I",
            'ķ' => "K",
            'ł' | 'ľ' | 'ĺ' | 'ļ' => "L",
            'ñ' | 'ń' | 'ň' | 'ņ' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "O",
            'œ' => "OE",
            'ř' | 'ŕ' => "R",
            'ś' | 'š' | 'ş' | 'ș' => "S",
            'ß' => "SS",
            'ť' | 'ţ' | 'ț' => "T",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "U",
            'ý' | 'ÿ' => "Y",
            'ź' | 'ż' | 'ž' => "Z",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

/// The smallest string greater than every string starting with `prefix` (for index range
/// scans); `None` when there is none (empty prefix).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_drops_the_rest() {
        assert_eq!(search_key("D'Angelo"), "DANGELO");
        assert_eq!(search_key(" de  Luca "), "DELUCA");
        assert_eq!(search_key("Niccolò Müller"), "NICCOLOMULLER");
        assert_eq!(search_key("Ærø"), "AERO");
    }

    #[test]
    fn upper_bound_of_a_prefix() {
        assert_eq!(prefix_upper_bound("ROSS").as_deref(), Some("ROST"));
        assert_eq!(prefix_upper_bound(""), None);
        let ub = prefix_upper_bound("ROSS").unwrap();
        assert!("ROSSI" < ub.as_str() && "ROSSZZZ" < ub.as_str() && "ROST" >= ub.as_str());
    }
}
