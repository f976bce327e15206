//! Birth-place codes used in the codice fiscale: historical cadastral (Belfiore) codes of the
//! comuni since 1861 and the `Z` codes of foreign states.
//!
//! The table is built once, on first use, from CSV files embedded at compile time, so the
//! domain stays free of run-time I/O. Sources: `data/SOURCES.md`.

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::Serialize;
use time::{Date, Month};

const HISTORICAL_CSV: &str = include_str!("../../../data/codici_catastali_storici.csv");
const FOREIGN_CSV: &str = include_str!("../../../data/stati_esteri.csv");

// Dates serialise as ISO strings whatever `time` features other crates turn on.
time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Comune,
    ForeignCountry,
}

/// One birth-place code. A code with several historical rows (renamings, province changes)
/// is merged: name and province come from the most recent row, validity spans all rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub cadastral_code: String,
    pub name: String,
    /// Province sigla of the most recent row; `None` for foreign countries.
    pub province: Option<String>,
    pub kind: PlaceKind,
    /// First day the code was in use; `None` when the source does not say.
    #[serde(with = "iso_date::option")]
    pub valid_from: Option<Date>,
    /// Last day the code was in use; `None` while it is still in use.
    #[serde(with = "iso_date::option")]
    pub valid_to: Option<Date>,
}

impl Place {
    /// Still in use (not ceased).
    pub fn is_active(&self) -> bool {
        self.valid_to.is_none()
    }
}

/// Sorted by code, so lookups are a binary search and `all()` is deterministic.
static TABLE: LazyLock<Vec<Place>> = LazyLock::new(|| build(HISTORICAL_CSV, FOREIGN_CSV));

/// The place for a cadastral code (`A562`, `Z404`); case-insensitive, surrounding spaces ignored.
pub fn lookup(code: &str) -> Option<&'static Place> {
    let key = normalize_code(code)?;
    let table: &'static [Place] = &TABLE;
    table
        .binary_search_by(|p| p.cadastral_code.as_bytes().cmp(&key[..]))
        .ok()
        .map(|i| &table[i])
}

/// Every known code, sorted by code (comuni `A…`–`M…` first, then `Z…` foreign countries).
pub fn all() -> &'static [Place] {
    &TABLE
}

/// A well-formed code is one ASCII letter followed by three digits.
fn normalize_code(code: &str) -> Option<[u8; 4]> {
    let b = trim(code).as_bytes();
    if b.len() != 4 || !b[0].is_ascii_alphabetic() || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some([b[0].to_ascii_uppercase(), b[1], b[2], b[3]])
}

/// One code's rows merged. `recency` ranks the row that gave name and province: open rows
/// first, then by end and start date. ISO date strings sort chronologically, so rows are
/// compared as text and only the merged dates are parsed (this keeps the build fast).
struct Group<'a> {
    key: [u8; 4],
    name: Cow<'a, str>,
    province: Cow<'a, str>,
    kind: PlaceKind,
    recency: (bool, Cow<'a, str>, Cow<'a, str>),
    /// `None` once a row has no start date: the start is then unknown.
    from: Option<Cow<'a, str>>,
    /// `None` once a row is open.
    to: Option<Cow<'a, str>>,
}

impl<'a> Group<'a> {
    /// Folds `other` (same code) into `self`; on equal recency `other` wins, being later.
    fn merge(&mut self, other: Group<'a>) {
        self.from = match (self.from.take(), other.from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
        self.to = match (self.to.take(), other.to) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        if other.recency >= self.recency {
            self.recency = other.recency;
            self.name = other.name;
            self.province = other.province;
            self.kind = other.kind;
        }
    }

    fn into_place(self) -> Place {
        Place {
            // The key is validated ASCII, so nothing is lost.
            cadastral_code: String::from_utf8_lossy(&self.key).into_owned(),
            name: self.name.into_owned(),
            province: match (self.kind, &*self.province) {
                (PlaceKind::ForeignCountry, _) | (_, "" | "EE") => None,
                (_, p) => Some(p.to_owned()),
            },
            kind: self.kind,
            valid_from: self.from.as_deref().and_then(parse_iso_date),
            valid_to: self.to.as_deref().and_then(parse_iso_date),
        }
    }
}

fn build(historical: &str, foreign: &str) -> Vec<Place> {
    let mut groups: Vec<Group<'_>> = Vec::with_capacity(10_500);
    let mut row = Vec::with_capacity(12);

    let mut rows = Records::new(historical);
    if rows.read_into(&mut row) {
        let col = |name: &str| row.iter().position(|h| h == name);
        let cols = (
            col("cadastral_code"),
            col("name"),
            col("province_sigla"),
            col("kind"),
            col("valid_from"),
            col("valid_to"),
        );
        if let (Some(c_code), Some(c_name), Some(c_prov), Some(c_kind), Some(c_from), Some(c_to)) =
            cols
        {
            while rows.read_into(&mut row) {
                let field = |i: usize| -> Cow<'_, str> {
                    match row.get(i) {
                        Some(Cow::Borrowed(f)) => Cow::Borrowed(trim(f)),
                        Some(Cow::Owned(f)) => Cow::Owned(trim(f).to_owned()),
                        None => Cow::Borrowed(""),
                    }
                };
                // Rows without a usable code (the source has a few "ND") cannot be looked up.
                let Some(key) = normalize_code(&field(c_code)) else {
                    continue;
                };
                let name = field(c_name);
                if name.is_empty() {
                    continue;
                }
                let kind = match &*field(c_kind) {
                    "comune" => PlaceKind::Comune,
                    "stato_estero" => PlaceKind::ForeignCountry,
                    _ if key[0] == b'Z' => PlaceKind::ForeignCountry,
                    _ => PlaceKind::Comune,
                };
                let from = field(c_from);
                let to = field(c_to);
                let group = Group {
                    key,
                    name,
                    province: field(c_prov),
                    kind,
                    recency: (to.is_empty(), to.clone(), from.clone()),
                    from: (!from.is_empty()).then_some(from),
                    to: (!to.is_empty()).then_some(to),
                };
                // The file lists each code's rows together; other orders are merged below.
                match groups.last_mut() {
                    Some(last) if last.key == key => last.merge(group),
                    _ => groups.push(group),
                }
            }
        }
    }
    groups.sort_by_key(|g| g.key);
    let mut merged: Vec<Group<'_>> = Vec::with_capacity(groups.len() + 16);
    for g in groups {
        match merged.last_mut() {
            Some(last) if last.key == g.key => last.merge(g),
            _ => merged.push(g),
        }
    }

    let mut places: Vec<Place> = merged.into_iter().map(Group::into_place).collect();

    // ISTAT's list of foreign states: its names have the official case and accents
    // ("Perù" rather than ANPR's "Peru'"), and it may have Z-codes ANPR lacks.
    let mut added = Vec::new();
    let mut rows = Records::new(foreign);
    if rows.read_into(&mut row) {
        let col = |name: &str| row.iter().position(|h| h == name);
        if let (Some(c_code), Some(c_name)) = (col("cadastral_code"), col("name_it")) {
            while rows.read_into(&mut row) {
                let field = |i: usize| row.get(i).map_or("", |f| trim(f));
                let Some(key) = normalize_code(field(c_code)) else {
                    continue;
                };
                let name = field(c_name);
                if name.is_empty() {
                    continue;
                }
                match places.binary_search_by(|p| p.cadastral_code.as_bytes().cmp(&key[..])) {
                    Ok(i) if places[i].kind == PlaceKind::ForeignCountry => {
                        places[i].name = name.to_owned();
                    }
                    Ok(_) => {}
                    Err(_) => added.push(Place {
                        cadastral_code: String::from_utf8_lossy(&key).into_owned(),
                        name: name.to_owned(),
                        province: None,
                        kind: PlaceKind::ForeignCountry,
                        valid_from: None,
                        valid_to: None,
                    }),
                }
            }
        }
    }
    if !added.is_empty() {
        places.append(&mut added);
        places.sort_by(|a, b| a.cadastral_code.cmp(&b.cadastral_code));
        places.dedup_by(|b, a| a.cadastral_code == b.cadastral_code);
    }
    places
}

/// `YYYY-MM-DD`; anything else (including empty) is `None`.
fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Minimal RFC 4180 reader: comma-separated, `"` quoting with `""` escapes, quoted fields may
/// span lines, `\n` or `\r\n` line ends. Unquoted fields are borrowed. Never panics: a quote
/// that is never closed simply runs to the end of the input.
struct Records<'a> {
    rest: &'a str,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        Records {
            rest: text.strip_prefix('\u{feff}').unwrap_or(text),
        }
    }
}

impl<'a> Records<'a> {
    /// Reads the next record into `fields` (cleared first); `false` at the end of input.
    fn read_into(&mut self, fields: &mut Vec<Cow<'a, str>>) -> bool {
        fields.clear();
        // Skip blank lines between records.
        let s = self.rest.trim_start_matches(['\r', '\n']);
        if s.is_empty() {
            self.rest = s;
            return false;
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        loop {
            // A field starts at byte i.
            if bytes.get(i) == Some(&b'"') {
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    match find_byte(bytes, j, b'"') {
                        Some(q) if bytes.get(q + 1) == Some(&b'"') => {
                            value.push_str(&s[j..=q]);
                            j = q + 2;
                        }
                        Some(q) => {
                            value.push_str(&s[j..q]);
                            j = q + 1;
                            break;
                        }
                        None => {
                            value.push_str(&s[j..]);
                            j = bytes.len();
                            break;
                        }
                    }
                }
                // Tolerate stray characters between the closing quote and the separator.
                let end = field_end(bytes, j);
                value.push_str(without_cr(&s[j..end]));
                fields.push(Cow::Owned(value));
                i = end;
            } else {
                let end = field_end(bytes, i);
                fields.push(Cow::Borrowed(without_cr(&s[i..end])));
                i = end;
            }
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(_) => {
                    self.rest = &s[i + 1..];
                    return true;
                }
                None => {
                    self.rest = "";
                    return true;
                }
            }
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Vec<Cow<'a, str>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut fields = Vec::new();
        self.read_into(&mut fields).then_some(fields)
    }
}

// Plain loops rather than iterator adapters: this code runs unoptimised in dev builds.

/// Index of the `,` or `\n` ending the field that starts at `from`, or the input length.
fn field_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == byte {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `str::trim`, skipped in the usual case of a field with no surrounding space.
fn trim(field: &str) -> &str {
    let b = field.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l))
            if f.is_ascii_whitespace()
                || l.is_ascii_whitespace()
                || !f.is_ascii()
                || !l.is_ascii() =>
        {
            field.trim()
        }
        _ => field,
    }
}

fn without_cr(field: &str) -> &str {
    field.strip_suffix('\r').unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn split(text: &str) -> Vec<Vec<String>> {
        Records::new(text)
            .map(|r| r.into_iter().map(|f| f.into_owned()).collect())
            .collect()
    }

    #[test]
    fn csv_plain_and_quoted_fields() {
        assert_eq!(
            split("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n"),
            vec![vec!["a", "b", "c"], vec!["1", "x, y", "say \"hi\""]]
        );
    }

    #[test]
    fn csv_multiline_quoted_field_crlf_and_empty_fields() {
        assert_eq!(
            split("a,b\r\n\"l1\nl2\",\r\n,\r\n\r\nlast"),
            vec![
                vec!["a", "b"],
                vec!["l1\nl2", ""],
                vec!["", ""],
                vec!["last"]
            ]
        );
    }

    #[test]
    fn csv_odd_input_does_not_panic() {
        for text in [
            "\"unterminated",
            "\"",
            ",",
            "\"a\"b,c",
            "\u{feff}x",
            "\n\n",
            "é,\"à",
        ] {
            let _ = split(text);
        }
        assert_eq!(split("\"unterminated,x"), vec![vec!["unterminated,x"]]);
        assert_eq!(split("\u{feff}h1,h2"), vec![vec!["h1", "h2"]]);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_iso_date("1935-07-31"), Some(date!(1935 - 07 - 31)));
        assert_eq!(parse_iso_date(""), None);
        assert_eq!(parse_iso_date("1935-02-30"), None);
        assert_eq!(parse_iso_date("19x5-07-31"), None);
        assert_eq!(parse_iso_date("1935/07/31"), None);
    }

    #[test]
    fn comune_with_several_historical_rows_takes_latest_name() {
        // Data: A562 "Bagni San Giuliano" 1861-03-17..1927-05-18 and 1927-05-19..1935-07-30,
        // then "San Giuliano Terme" from 1935-07-31, open.
        let p = lookup("A562").unwrap();
        assert_eq!(p.name, "San Giuliano Terme");
        assert_eq!(p.province.as_deref(), Some("PI"));
        assert_eq!(p.kind, PlaceKind::Comune);
        assert_eq!(p.valid_from, Some(date!(1861 - 03 - 17)));
        assert_eq!(p.valid_to, None);
        assert!(p.is_active());
    }

    #[test]
    fn ceased_comune_keeps_its_end_date() {
        // Data: E608 Lirio (PV) 1861-03-17..2026-01-31, single row.
        let p = lookup("E608").unwrap();
        assert_eq!(p.name, "Lirio");
        assert_eq!(p.province.as_deref(), Some("PV"));
        assert_eq!(p.valid_to, Some(date!(2026 - 01 - 31)));
        assert!(!p.is_active());
        // Data: C873 Collescipoli, PG until 1927-01-11 then TR for one day, 1927-01-12.
        let p = lookup("C873").unwrap();
        assert_eq!(p.province.as_deref(), Some("TR"));
        assert_eq!(p.valid_from, Some(date!(1861 - 03 - 17)));
        assert_eq!(p.valid_to, Some(date!(1927 - 01 - 12)));
    }

    #[test]
    fn foreign_countries_use_istat_names() {
        // ANPR: "Stati Uniti D'America"; ISTAT stati_esteri.csv: "Stati Uniti d'America".
        let p = lookup("Z404").unwrap();
        assert_eq!(p.name, "Stati Uniti d'America");
        assert_eq!(p.kind, PlaceKind::ForeignCountry);
        assert_eq!(p.province, None);
        assert_eq!(p.valid_from, Some(date!(1900 - 01 - 01)));
        assert_eq!(lookup("Z112").unwrap().name, "Germania");
        // Ceased state, only in ANPR: Z105 Cecoslovacchia 1900-01-01..1993-01-01.
        let p = lookup("Z105").unwrap();
        assert_eq!(p.name, "Cecoslovacchia");
        assert_eq!(p.valid_to, Some(date!(1993 - 01 - 01)));
        // Only in ANPR, not ISTAT: Z518 Porto Rico.
        assert_eq!(lookup("Z518").unwrap().name, "Porto Rico");
        // Only in the ISTAT list, no dates: Z113 Gibilterra.
        let p = lookup("Z113").unwrap();
        assert_eq!(p.name, "Gibilterra");
        assert_eq!((p.valid_from, p.valid_to), (None, None));
    }

    #[test]
    fn table_builds_quickly() {
        // Budget is 50 ms in release builds; debug builds (unoptimised) get more slack.
        let budget = if cfg!(debug_assertions) { 250 } else { 50 };
        let start = std::time::Instant::now();
        let table = build(HISTORICAL_CSV, FOREIGN_CSV);
        let elapsed = start.elapsed();
        println!("place table: {} codes in {elapsed:?}", table.len());
        assert!(elapsed.as_millis() < budget, "{elapsed:?}");
    }

    #[test]
    fn build_merges_scattered_rows_and_reads_quoted_fields() {
        let historical = "\
cadastral_code,name,province_sigla,kind,active,valid_from,valid_to,source
B002,\"Nuovo, Nome\",AA,comune,Y,1950-01-01,,x
A001,Vecchio,AA,comune,N,1861-03-17,1900-12-31,x
B002,Antico,BB,comune,N,1861-03-17,1949-12-31,x
ND,Senza codice,AA,comune,N,1861-03-17,1900-01-01,x
B003,,AA,comune,N,1861-03-17,1900-01-01,x
b004, Spazi ,CC,comune,N,not-a-date,1901-02-03,x
Z100,Albania,EE,stato_estero,Y,1900-01-01,,x
short,row
";
        let foreign = "istat_code,name_it,cadastral_code\n201,Albània,Z100\n999,Nuovo stato,Z998\n";
        let t = build(historical, foreign);
        let codes: Vec<&str> = t.iter().map(|p| p.cadastral_code.as_str()).collect();
        assert_eq!(codes, ["A001", "B002", "B004", "Z100", "Z998"]);
        assert_eq!(t[1].name, "Nuovo, Nome");
        assert_eq!(t[1].province.as_deref(), Some("AA"));
        assert_eq!(
            (t[1].valid_from, t[1].valid_to),
            (Some(date!(1861 - 03 - 17)), None)
        );
        assert_eq!(t[2].name, "Spazi");
        assert_eq!(
            (t[2].valid_from, t[2].valid_to),
            (None, Some(date!(1901 - 02 - 03)))
        );
        assert_eq!(t[3].name, "Albània");
        assert_eq!(t[3].province, None);
        assert_eq!(t[4].kind, PlaceKind::ForeignCountry);
        // Missing columns give an empty table rather than a panic.
        assert!(build("a,b\n1,2\n", "").is_empty());
    }

    #[test]
    fn lookup_normalizes_and_rejects() {
        assert_eq!(lookup(" h501 ").unwrap().name, "Roma");
        assert!(lookup("Z999").is_none());
        assert!(lookup("ND").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("H50").is_none());
        assert!(lookup("H5011").is_none());
        assert!(lookup("Hé01").is_none());
    }

    #[test]
    fn table_size_and_order() {
        // 10,096 distinct codes in the historical file minus "ND", plus 9 ISTAT-only Z-codes
        // (already in the historical file as rows with source "ISTAT stati esteri").
        let all = all();
        assert_eq!(all.len(), 10_095);
        assert!(
            all.windows(2)
                .all(|w| w[0].cadastral_code < w[1].cadastral_code)
        );
        let foreign = all
            .iter()
            .filter(|p| p.kind == PlaceKind::ForeignCountry)
            .count();
        // 222 ANPR rows (211 + 11 ceased) are distinct codes, plus 9 ISTAT-only.
        assert_eq!(foreign, 231);
        assert!(all.iter().all(|p| (p.kind == PlaceKind::ForeignCountry)
            == p.cadastral_code.starts_with('Z')));
    }

    #[test]
    fn serializes_snake_case_and_iso_dates() {
        let p = lookup("Z105").unwrap();
        assert_eq!(
            test_json::to_json(p),
            r#"{"cadastral_code":"Z105","name":"Cecoslovacchia","province":null,"kind":"foreign_country","valid_from":"1900-01-01","valid_to":"1993-01-01"}"#
        );
        assert_eq!(test_json::to_json(&PlaceKind::Comune), r#""comune""#);
    }
}

/// A tiny JSON-like serializer for tests (serde_json is not a dependency of this crate).
/// Covers what the domain types use: scalars, strings, options, unit variants and structs.
#[cfg(test)]
pub(crate) mod test_json {
    use serde::Serialize;
    use serde::ser::{self, Impossible};
    use std::fmt;

    #[derive(Debug)]
    pub struct Error(String);
    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }
    impl std::error::Error for Error {}
    impl ser::Error for Error {
        fn custom<T: fmt::Display>(msg: T) -> Self {
            Error(msg.to_string())
        }
    }

    pub fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
        let mut out = String::new();
        v.serialize(&mut Json(&mut out))
            .expect("serializable in tests");
        out
    }

    pub struct Json<'a>(&'a mut String);

    fn unsupported<T>(what: &str) -> Result<T, Error> {
        Err(Error(format!("test_json: {what} not supported")))
    }

    macro_rules! display {
        ($($m:ident: $t:ty),*) => {$(
            fn $m(self, v: $t) -> Result<(), Error> {
                self.0.push_str(&v.to_string());
                Ok(())
            }
        )*};
    }

    impl<'a, 'b> ser::Serializer for &'a mut Json<'b> {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Impossible<(), Error>;
        type SerializeTuple = Impossible<(), Error>;
        type SerializeTupleStruct = Impossible<(), Error>;
        type SerializeTupleVariant = Impossible<(), Error>;
        type SerializeMap = Impossible<(), Error>;
        type SerializeStruct = Self;
        type SerializeStructVariant = Impossible<(), Error>;

        display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
            serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_f32: f32, serialize_f64: f64);

        fn serialize_char(self, v: char) -> Result<(), Error> {
            self.serialize_str(v.encode_utf8(&mut [0; 4]))
        }
        fn serialize_str(self, v: &str) -> Result<(), Error> {
            self.0.push('"');
            for c in v.chars() {
                match c {
                    '"' => self.0.push_str("\\\""),
                    '\\' => self.0.push_str("\\\\"),
                    c => self.0.push(c),
                }
            }
            self.0.push('"');
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
            unsupported("bytes")
        }
        fn serialize_none(self) -> Result<(), Error> {
            self.0.push_str("null");
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Error> {
            self.serialize_none()
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
            self.serialize_none()
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<(), Error> {
            self.serialize_str(variant)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), Error> {
            unsupported("newtype variant")
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
            unsupported("seq")
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
            unsupported("tuple")
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Error> {
            unsupported("tuple struct")
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            unsupported("tuple variant")
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            unsupported("map")
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            self.0.push('{');
            Ok(self)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            unsupported("struct variant")
        }
    }

    impl<'a, 'b> ser::SerializeStruct for &'a mut Json<'b> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            if !self.0.ends_with('{') {
                self.0.push(',');
            }
            self.0.push('"');
            self.0.push_str(key);
            self.0.push_str("\":");
            v.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            self.0.push('}');
            Ok(())
        }
    }
}

/// The 20 regions by ISTAT code (the codes comuni carry), as people name them.
pub const REGIONS: [(&str, &str); 20] = [
    ("01", "Piemonte"),
    ("02", "Valle d'Aosta"),
    ("03", "Lombardia"),
    ("04", "Trentino-Alto Adige"),
    ("05", "Veneto"),
    ("06", "Friuli-Venezia Giulia"),
    ("07", "Liguria"),
    ("08", "Emilia-Romagna"),
    ("09", "Toscana"),
    ("10", "Umbria"),
    ("11", "Marche"),
    ("12", "Lazio"),
    ("13", "Abruzzo"),
    ("14", "Molise"),
    ("15", "Campania"),
    ("16", "Puglia"),
    ("17", "Basilicata"),
    ("18", "Calabria"),
    ("19", "Sicilia"),
    ("20", "Sardegna"),
];

/// The ISTAT code of a region named as people write it ("Toscana", "emilia-romagna").
pub fn region_code(name: &str) -> Option<&'static str> {
    let name = name.trim();
    REGIONS
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(c, _)| *c)
}

pub fn region_name(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}
