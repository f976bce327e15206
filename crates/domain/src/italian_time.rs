//! Dates as Italians read them (gg/mm/aaaa) and the Europe/Rome clock, computed from the
//! EU summer-time rule (last Sunday of March to last Sunday of October, 01:00 UTC) so the
//! domain needs no time-zone database.

use time::{Date, Month, OffsetDateTime, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Date {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).expect("valid date");
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day().expect("not the first day of time");
    }
    d
}

/// The offset of Italian civil time at a UTC instant: +01:00, or +02:00 in summer.
pub fn rome_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let y = utc.year();
    let start = last_sunday(y, Month::March)
        .with_hms(1, 0, 0)
        .expect("valid time")
        .assume_utc();
    let end = last_sunday(y, Month::October)
        .with_hms(1, 0, 0)
        .expect("valid time")
        .assume_utc();
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).expect("valid offset")
}

pub fn to_rome(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(rome_offset(at))
}

/// `gg/mm/aaaa`
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// `gg/mm/aaaa hh:mm`, Italian time.
pub fn format_datetime(at: OffsetDateTime) -> String {
    let r = to_rome(at);
    format!(
        "{} {:02}:{:02}",
        format_date(r.date()),
        r.hour(),
        r.minute()
    )
}

/// An ISO `aaaa-mm-gg` date (as the API writes it) shown as `gg/mm/aaaa`; anything else
/// is shown as it is.
pub fn format_iso_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Why a typed date was refused: its shape, or a day the calendar does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `gg/mm/aaaa`.
    Format,
    /// Well formed, but no such day (31/02, 29/02 of a common year, month 13).
    DoesNotExist,
}

impl DateError {
    /// What the person reads under the field, naming what they typed.
    pub fn message(self, typed: &str) -> String {
        match self {
            DateError::Format => {
                format!("Data non valida: «{typed}». Usare il formato gg/mm/aaaa")
            }
            DateError::DoesNotExist => format!("La data «{typed}» non esiste nel calendario"),
        }
    }
}

/// Reads a date typed as `gg/mm/aaaa` (also with `-` or `.` between the parts). Other
/// orders, ISO `aaaa-mm-gg` included, are refused rather than guessed.
pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let s = input.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return Err(DateError::Format);
    };
    let number = |p: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u16>().ok())
            .flatten()
            .ok_or(DateError::Format)
    };
    let (day, month, year) = (number(d, 1..=2)?, number(m, 1..=2)?, number(y, 4..=4)?);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(DateError::DoesNotExist)?;
    let day = u8::try_from(day).map_err(|_| DateError::DoesNotExist)?;
    Date::from_calendar_date(i32::from(year), month, day).map_err(|_| DateError::DoesNotExist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn summer_and_winter_time() {
        assert_eq!(
            rome_offset(datetime!(2026-01-15 12:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            rome_offset(datetime!(2026-07-15 12:00 UTC)).whole_hours(),
            2
        );
        // 2026: summer time starts 29 March and ends 25 October, at 01:00 UTC.
        assert_eq!(
            rome_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            rome_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            rome_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            rome_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(),
            1
        );
    }

    #[test]
    fn italian_formats() {
        assert_eq!(format_date(date!(2026 - 03 - 05)), "05/03/2026");
        assert_eq!(
            format_datetime(datetime!(2026-11-23 11:05 UTC)),
            "23/11/2026 12:05"
        );
        assert_eq!(format_iso_date("2026-03-05"), "05/03/2026");
        assert_eq!(format_iso_date("marzo"), "marzo");
        assert_eq!(parse_date("05/03/2026"), Ok(date!(2026 - 03 - 05)));
        assert_eq!(parse_date("5.3.2026"), Ok(date!(2026 - 03 - 05)));
        assert_eq!(parse_date("2026-03-05"), Err(DateError::Format));
        assert_eq!(parse_date("31/02/2026"), Err(DateError::DoesNotExist));
        assert_eq!(parse_date("29/02/2025"), Err(DateError::DoesNotExist));
        assert_eq!(parse_date("12/13/2026"), Err(DateError::DoesNotExist));
        assert_eq!(parse_date("5/3/26"), Err(DateError::Format));
        assert_eq!(parse_date("aa/bb/cccc"), Err(DateError::Format));
    }
}
