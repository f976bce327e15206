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

/// Reads `gg/mm/aaaa` (also with `-` or `.`), or ISO `aaaa-mm-gg` as date inputs send it.
pub fn parse_date(input: &str) -> Option<Date> {
    let s = input.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (d, m, y) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    if y.len() != 4 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
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
        assert_eq!(parse_date("05/03/2026"), Some(date!(2026 - 03 - 05)));
        assert_eq!(parse_date("2026-03-05"), Some(date!(2026 - 03 - 05)));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("5/3/26"), None);
    }
}
