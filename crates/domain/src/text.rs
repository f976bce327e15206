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

/// The first character no field of ours accepts: control characters other than tab and
/// line breaks, and the bidirectional overrides and isolates that can make a name read
/// differently from what is stored (U+202A–U+202E, U+2066–U+2069).
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// Whether a surname or a given name looks like one: letters (any alphabet, accents),
/// with spaces, apostrophes, hyphens and dots between them, and no digits.
pub fn is_person_name(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '’' | '-' | '.'))
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
    fn names_and_forbidden_characters() {
        assert!(is_person_name("D'Angelo"));
        assert!(is_person_name("Niccolò Müller-Rossi"));
        assert!(is_person_name("Nguyễn Thị"));
        assert!(!is_person_name("12345"));
        assert!(!is_person_name("Rossi2"));
        assert!(!is_person_name(" - "));
        assert_eq!(forbidden_char("Rossi"), None);
        assert_eq!(forbidden_char("riga 1\nriga 2"), None);
        assert_eq!(forbidden_char("Ros\u{0}si"), Some('\u{0}'));
        assert_eq!(forbidden_char("abc\u{202E}fed"), Some('\u{202E}'));
        assert_eq!(forbidden_char("a\u{7}"), Some('\u{7}'));
    }

    #[test]
    fn upper_bound_of_a_prefix() {
        assert_eq!(prefix_upper_bound("ROSS").as_deref(), Some("ROST"));
        assert_eq!(prefix_upper_bound(""), None);
        let ub = prefix_upper_bound("ROSS").unwrap();
        assert!("ROSSI" < ub.as_str() && "ROSSZZZ" < ub.as_str() && "ROST" >= ub.as_str());
    }
}
