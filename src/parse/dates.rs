//! Dates as real sites write them: every spelling Jekyll and Hugo accept for a date or a
//! date-time, read into one [`PageDate`].
//!
//! The spellings differ only in small ways (a space or `T` between date and time, a space
//! before the offset, `+0000` or `+00:00`, a one-digit hour or month), so a value is first
//! brought into the one ISO 8601 shape and then read by jiff, which checks the calendar.
//! A date-time without an offset is in the site's `timezone`.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// A publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageDate {
    /// The instant, for ordering and feeds (midnight in the site's time zone for a date).
    pub instant: Timestamp,
    /// The calendar date as written, for display.
    pub date: Date,
}

/// The spelling shown when a date cannot be read and no better guess is at hand.
pub(super) const DATE_EXAMPLE: &str = "2025-01-15, or with a time 2025-01-15 09:30:00 +05:00";

impl PageDate {
    /// Reads `value` with date-times without an offset taken as UTC.
    pub fn parse(value: &str) -> Result<PageDate, String> {
        PageDate::parse_in(value, &TimeZone::UTC)
    }

    /// Reads `value`; a date or a date-time without an offset is in `tz`.
    pub fn parse_in(value: &str, tz: &TimeZone) -> Result<PageDate, String> {
        let value = value.trim();
        let Some(iso) = to_iso(value) else {
            if let Some(reason) = out_of_range(value) {
                return Err(reason);
            }
            // RFC 2822 (`Sun, 24 Feb 2013 05:00:00 +0000`), as in feeds and e-mail.
            if let Ok(zoned) = jiff::fmt::rfc2822::parse(value) {
                return Ok(PageDate {
                    instant: zoned.timestamp(),
                    date: zoned.date(),
                });
            }
            return Err("attache cannot read it as a date".to_string());
        };
        if let Some(reason) = out_of_range(value) {
            return Err(reason);
        }
        let reason = |e: jiff::Error| e.to_string();
        match iso {
            Iso::Date(text) => {
                let date: Date = text.parse().map_err(reason)?;
                let instant = tz.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()));
                Ok(PageDate {
                    instant: instant.map_err(reason)?,
                    date,
                })
            }
            Iso::Local(text) => {
                let local: DateTime = text.parse().map_err(reason)?;
                Ok(PageDate {
                    instant: tz.to_timestamp(local).map_err(reason)?,
                    date: local.date(),
                })
            }
            Iso::Offset(text) => {
                let instant: Timestamp = text.parse().map_err(reason)?;
                // The calendar date before the time is the one the writer means.
                let date: Date = text[..10].parse().map_err(reason)?;
                Ok(PageDate { instant, date })
            }
        }
    }

    /// `2025-01-15`
    pub fn iso(&self) -> String {
        self.date.to_string()
    }

    /// `15 January 2025`
    pub fn display(&self) -> String {
        format!(
            "{} {} {}",
            self.date.day(),
            month_name(self.date.month()),
            self.date.year()
        )
    }

    /// `2025-01-15T00:00:00Z`, for Atom and the sitemap.
    pub fn rfc3339(&self) -> String {
        self.instant.to_string()
    }
}

/// A date in a spelling people write but attache does not read (`15/03/2025`,
/// `February 24, 2013`), written the way it does, when there is only one way to read it.
pub fn suggest(value: &str) -> Option<String> {
    let value = value.trim();
    let formats = [
        "%B %d, %Y",
        "%B %d %Y",
        "%d %B %Y",
        "%d %B, %Y",
        "%b %d, %Y",
        "%b %d %Y",
        "%d %b %Y",
        "%Y/%m/%d",
        "%Y.%m.%d",
    ];
    for format in formats {
        if let Ok(date) = jiff::fmt::strtime::parse(format, value).and_then(|t| t.to_date()) {
            return Some(date.to_string());
        }
    }
    // Day and month by number: only when the day cannot be a month.
    for separator in ['/', '.', '-'] {
        let parts: Vec<&str> = value.split(separator).collect();
        if let [a, b, y] = parts[..]
            && y.len() == 4
            && let (Ok(a), Ok(b), Ok(y)) = (a.parse::<i8>(), b.parse::<i8>(), y.parse::<i16>())
        {
            let (day, month) = match (a > 12, b > 12) {
                (true, false) => (a, b),
                (false, true) => (b, a),
                _ => continue,
            };
            if let Ok(date) = Date::new(y, month, day) {
                return Some(date.to_string());
            }
        }
    }
    None
}

/// A date shaped right but not on the calendar, in plain words: `there is no month 13`,
/// `February 2025 has 28 days`, `there is no hour 25`.
fn out_of_range(value: &str) -> Option<String> {
    let mut s = Scanner {
        rest: value.as_bytes(),
    };
    let year: i16 = s.digits(4, 4)?.parse().ok()?;
    s.byte(b'-')?;
    let month: i8 = s.digits(1, 2)?.parse().ok()?;
    s.byte(b'-')?;
    let day: i8 = s.digits(1, 2)?.parse().ok()?;
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let days = jiff::civil::date(year, month, 1).days_in_month();
    if !(1..=days).contains(&day) {
        return Some(format!("{} {year} has {days} days", month_name(month)));
    }
    if s.byte(b'T').or_else(|| s.byte(b't')).is_none() && s.spaces() == 0 {
        return None;
    }
    let hour: i8 = s.digits(1, 2)?.parse().ok()?;
    s.byte(b':')?;
    let minute: i8 = s.digits(2, 2)?.parse().ok()?;
    if hour > 23 {
        return Some(format!("there is no hour {hour}: hours go from 0 to 23"));
    }
    if minute > 59 {
        return Some(format!("there is no minute {minute}"));
    }
    None
}

/// A value brought into ISO 8601, as jiff reads it.
enum Iso {
    /// `2025-01-15`
    Date(String),
    /// `2025-01-15T09:30:00`, no offset.
    Local(String),
    /// `2025-01-15T09:30:00+05:00`
    Offset(String),
}

/// `2013-2-4 5:00:00.5 +0000 UTC` and its relatives as `2013-02-04T05:00:00.5+00:00`.
/// `None` when the value does not have the shape of a date at all.
fn to_iso(value: &str) -> Option<Iso> {
    let mut s = Scanner {
        rest: value.as_bytes(),
    };
    let year = s.digits(4, 4)?;
    s.byte(b'-')?;
    let month = s.digits(1, 2)?;
    s.byte(b'-')?;
    let day = s.digits(1, 2)?;
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    if s.rest.is_empty() {
        return Some(Iso::Date(date));
    }
    if s.byte(b'T').or_else(|| s.byte(b't')).is_none() && s.spaces() == 0 {
        return None;
    }
    let hour = s.digits(1, 2)?;
    s.byte(b':')?;
    let minute = s.digits(2, 2)?;
    let second = match s.byte(b':') {
        Some(()) => s.digits(2, 2)?,
        None => "00",
    };
    let fraction = match s.byte(b'.') {
        Some(()) => format!(".{}", s.digits(1, 9)?),
        None => String::new(),
    };
    let local = format!("{date}T{hour:0>2}:{minute}:{second}{fraction}");
    s.spaces();
    let offset = s.offset();
    s.spaces();
    if offset.is_some() {
        // A zone abbreviation after the offset (`-0700 MST`, as Go writes it) adds nothing.
        if matches!(s.capitals(), 1 | 6..) {
            return None;
        }
    }
    if !s.rest.is_empty() {
        return None;
    }
    Some(match offset {
        Some(offset) => Iso::Offset(format!("{local}{offset}")),
        None => Iso::Local(local),
    })
}

struct Scanner<'a> {
    rest: &'a [u8],
}

impl<'a> Scanner<'a> {
    fn byte(&mut self, b: u8) -> Option<()> {
        let (&first, rest) = self.rest.split_first()?;
        (first == b).then(|| self.rest = rest)
    }

    /// Between `min` and `max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<&'a str> {
        let n = self
            .rest
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let (digits, rest) = self.rest.split_at(n);
        self.rest = rest;
        std::str::from_utf8(digits).ok()
    }

    fn spaces(&mut self) -> usize {
        let n = self
            .rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        self.rest = &self.rest[n..];
        n
    }

    fn capitals(&mut self) -> usize {
        let n = self
            .rest
            .iter()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        self.rest = &self.rest[n..];
        n
    }

    /// `Z`, `UTC`, `GMT`, `+05:00`, `+0500`, `+05` or `-5`, as `+HH:MM`.
    fn offset(&mut self) -> Option<String> {
        for zulu in [&b"Z"[..], b"z", b"UTC", b"GMT"] {
            if self.rest.starts_with(zulu) {
                self.rest = &self.rest[zulu.len()..];
                return Some("+00:00".to_string());
            }
        }
        let sign = match self.rest.first()? {
            b'+' => '+',
            b'-' => '-',
            _ => return None,
        };
        let before = self.rest;
        self.rest = &self.rest[1..];
        let Some(hours) = self.digits(1, 2) else {
            self.rest = before;
            return None;
        };
        let colon = self.byte(b':').is_some();
        let minutes = match self.digits(2, 2) {
            Some(m) => m,
            None if colon => {
                self.rest = before;
                return None;
            }
            None => "00",
        };
        Some(format!("{sign}{hours:0>2}:{minutes}"))
    }
}

pub fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(value: &str) -> String {
        PageDate::parse(value)
            .unwrap_or_else(|e| panic!("{value}: {e}"))
            .rfc3339()
    }

    #[test]
    fn dates_accept_plain_and_rfc3339() {
        let d = PageDate::parse("2025-01-15").unwrap();
        assert_eq!(d.display(), "15 January 2025");
        assert_eq!(d.rfc3339(), "2025-01-15T00:00:00Z");
        let t = PageDate::parse("2025-01-15T23:30:00+05:00").unwrap();
        assert_eq!(t.iso(), "2025-01-15");
        assert_eq!(t.rfc3339(), "2025-01-15T18:30:00Z");
        assert!(PageDate::parse("2025-13-45").is_err());
        assert!(PageDate::parse("yesterday").is_err());
    }

    #[test]
    fn every_spelling_jekyll_and_hugo_accept() {
        for (value, instant) in [
            ("2013-02-24 05:00:00 +0000", "2013-02-24T05:00:00Z"),
            ("2013-02-24 5:00:00 +0000", "2013-02-24T05:00:00Z"),
            ("2013-02-24 05:00:00 +05:00", "2013-02-24T00:00:00Z"),
            ("2013-02-24T05:00:00-0700", "2013-02-24T12:00:00Z"),
            ("2013-02-24 05:00:00 -0700 MST", "2013-02-24T12:00:00Z"),
            ("2013-02-24T05:00:00Z", "2013-02-24T05:00:00Z"),
            ("2013-02-24 05:00:00 UTC", "2013-02-24T05:00:00Z"),
            ("2013-02-24 05:00:00", "2013-02-24T05:00:00Z"),
            ("2013-02-24T05:00:00", "2013-02-24T05:00:00Z"),
            ("2013-02-24 05:00", "2013-02-24T05:00:00Z"),
            ("2013-2-4 5:00:00", "2013-02-04T05:00:00Z"),
            // YAML 1.1 timestamps, from the YAML specification.
            ("2001-12-14t21:59:43.10-05:00", "2001-12-15T02:59:43.1Z"),
            ("2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z"),
            ("2001-12-15 2:59:43.10", "2001-12-15T02:59:43.1Z"),
            ("Sun, 24 Feb 2013 05:00:00 +0000", "2013-02-24T05:00:00Z"),
        ] {
            assert_eq!(utc(value), instant, "{value}");
        }
        // The date shown is the one written, whatever the offset.
        let d = PageDate::parse("2013-02-24 23:30:00 -0500").unwrap();
        assert_eq!(d.iso(), "2013-02-24");
    }

    #[test]
    fn without_an_offset_a_time_is_in_the_sites_time_zone() {
        let karachi = TimeZone::get("Asia/Karachi").unwrap();
        let d = PageDate::parse_in("2013-02-24 05:00:00", &karachi).unwrap();
        assert_eq!(d.rfc3339(), "2013-02-24T00:00:00Z");
        let d = PageDate::parse_in("2013-02-24", &karachi).unwrap();
        assert_eq!(d.rfc3339(), "2013-02-23T19:00:00Z");
        assert_eq!(d.iso(), "2013-02-24");
        // An offset written wins over the site's zone.
        let d = PageDate::parse_in("2013-02-24 05:00:00 +0000", &karachi).unwrap();
        assert_eq!(d.rfc3339(), "2013-02-24T05:00:00Z");
    }

    #[test]
    fn what_is_not_a_date_is_refused() {
        for value in [
            "2025-02-30",
            "2025-02-28 25:00:00",
            "2025-02-28 10:00:00 +0500 junk",
            "2025-02-28 10:00:00 +05:",
            "20250228",
            "15/03/2025",
            "next Tuesday",
            "",
            "2025-01-015",
            "2025-01-15 10",
        ] {
            assert!(PageDate::parse(value).is_err(), "{value}");
        }
    }

    #[test]
    fn a_date_off_the_calendar_is_said_in_plain_words() {
        let reason = |v: &str| PageDate::parse(v).unwrap_err();
        assert_eq!(reason("2025-13-01"), "there is no month 13");
        assert_eq!(reason("2025-02-30"), "February 2025 has 28 days");
        assert_eq!(reason("2024-02-30 10:00"), "February 2024 has 29 days");
        assert!(reason("2025-02-03 25:00:00").contains("no hour 25"));
        assert_eq!(reason("next Tuesday"), "attache cannot read it as a date");
    }

    #[test]
    fn a_human_date_gets_the_spelling_that_works() {
        assert_eq!(suggest("15/03/2025").as_deref(), Some("2025-03-15"));
        assert_eq!(suggest("03/15/2025").as_deref(), Some("2025-03-15"));
        assert_eq!(suggest("03/04/2025"), None);
        assert_eq!(suggest("February 24, 2013").as_deref(), Some("2013-02-24"));
        assert_eq!(suggest("24 Feb 2013").as_deref(), Some("2013-02-24"));
        assert_eq!(suggest("next Tuesday"), None);
    }
}
