//! The plan's arithmetic: civil dates, `due` offsets (`-3wd`, `+2d`) and the
//! working-day shift they mean, and the lead time an `estimate` gives.
//!
//! Dates are plain civil dates (days since 1970-01-01, proleptic Gregorian
//! calendar): the crate has neither `chrono` nor `time`, and all the plan
//! needs is reading `YYYY-MM-DD`, the weekday and adding days, a few lines
//! of well-known arithmetic (Howard Hinnant's `days_from_civil`), not worth
//! a dependency. The semantics are the shared table `tests/workday-cases.json`
//! that the browser's function is held to as well.

use std::collections::BTreeSet;
use std::fmt;

/// The most a `due` offset may count (ten years of days): a larger one is
/// a typo, and a working-day walk is one step a day.
pub const MAX_OFFSET: u32 = 3660;

/// A civil date, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Reads `YYYY-MM-DD` (four-digit year, a real day of its month).
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
        if !shaped {
            return None;
        }
        let year: i64 = text[..4].parse().ok()?;
        let month: u32 = text[5..7].parse().ok()?;
        let day: u32 = text[8..].parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self::from_civil(year, month, day))
    }

    /// The date of a year, month (1–12) and day (1–31).
    pub fn from_civil(year: i64, month: u32, day: u32) -> Self {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(month);
        let shifted_month = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Self(era * 146_097 + day_of_era - 719_468)
    }

    /// Year, month and day.
    pub fn civil(self) -> (i64, u32, u32) {
        let days = self.0 + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // Month (1–12) and day (1–31) are small and positive by construction.
        let small = |value: i64| u32::try_from(value).unwrap_or_default();
        (year, small(month), small(day))
    }

    /// The day `days` later (earlier when negative).
    #[must_use]
    pub fn add_days(self, days: i64) -> Self {
        Self(self.0 + days)
    }

    /// The English name of its weekday (`Monday`), for messages.
    pub fn weekday_name(self) -> &'static str {
        const NAMES: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        // rem_euclid(7) is 0..7.
        NAMES[(self.0 + 3).rem_euclid(7) as usize]
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        // 1970-01-01 was a Thursday: Monday is 0.
        (self.0 + 3).rem_euclid(7) >= 5
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// What an offset counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Calendar days (`d`).
    Days,
    /// Working days (`wd`): Monday to Friday, minus the site's holidays.
    WorkingDays,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Self::Days => "d",
            Self::WorkingDays => "wd",
        }
    }
}

/// A signed offset from the schedule's date: `due = "-3wd"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Offset {
    /// How many units, negative for before.
    pub amount: i32,
    /// Days or working days.
    pub unit: Unit,
}

impl fmt::Display for Offset {
    /// The canonical form: a sign on a non-zero amount (`-3wd`, `+2d`),
    /// none on zero (`0wd`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount > 0 { "+" } else { "" };
        write!(f, "{sign}{}{}", self.amount, self.unit.suffix())
    }
}

/// Reads a `due` offset: an optional sign, a whole number and `d` or `wd`.
/// The error says what is wrong with it, for a message.
pub fn parse_offset(text: &str) -> Result<Offset, &'static str> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest.starts_with(['-', '+']) {
        return Err("has more than one sign");
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = rest.split_at(digits);
    if number.is_empty() {
        return Err("does not start with a whole number");
    }
    if unit.starts_with(['.', ',']) {
        return Err("is not a whole number");
    }
    let unit = match unit {
        "d" => Unit::Days,
        "wd" => Unit::WorkingDays,
        "" => return Err("has no unit"),
        _ => return Err("has an unknown unit"),
    };
    let amount = number
        .parse::<u32>()
        .ok()
        .filter(|&amount| amount <= MAX_OFFSET)
        .and_then(|amount| i32::try_from(amount).ok())
        .ok_or("is larger than 3660")?;
    Ok(Offset {
        amount: if negative { -amount } else { amount },
        unit,
    })
}

/// Whether `date` is a working day: Monday to Friday and not a holiday.
pub fn is_working_day(date: Date, holidays: &BTreeSet<Date>) -> bool {
    !date.is_weekend() && !holidays.contains(&date)
}

/// `from` moved by `offset` (see `tests/workday-cases.json`): `Nd` adds
/// calendar days; `±Nwd` walks one day at a time, counting only working
/// days, until N are counted (the start is never counted); `0wd` is `from`
/// on a working day, else the working day before it.
pub fn shift(from: Date, offset: Offset, holidays: &BTreeSet<Date>) -> Date {
    match offset.unit {
        Unit::Days => from.add_days(i64::from(offset.amount)),
        Unit::WorkingDays => {
            let step = if offset.amount > 0 { 1 } else { -1 };
            let mut date = from;
            if offset.amount == 0 {
                while !is_working_day(date, holidays) {
                    date = date.add_days(-1);
                }
                return date;
            }
            let mut left = offset.amount.unsigned_abs();
            while left > 0 {
                date = date.add_days(step);
                if is_working_day(date, holidays) {
                    left -= 1;
                }
            }
            date
        }
    }
}

/// How long before its due date a step must start, from its `estimate`
/// (`3wd`, `2d`, `1w`, fractions rounded up; weeks as 7 days); minutes and
/// hours give none (they fit in the day). Always non-negative.
pub fn lead_of(estimate: &str) -> Option<Offset> {
    let text = estimate.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let amount: f64 = text[..split].trim().parse().ok()?;
    if !(amount.is_finite() && amount > 0.0) {
        return None;
    }
    let (amount, unit) = match &text[split..] {
        "d" => (amount, Unit::Days),
        "wd" => (amount, Unit::WorkingDays),
        "w" => (amount * 7.0, Unit::Days),
        _ => return None,
    };
    let amount = amount.ceil().min(f64::from(MAX_OFFSET));
    // Between 1 and MAX_OFFSET after the clamp.
    Some(Offset {
        amount: amount as i32,
        unit,
    })
}

/// A lead written without its sign (`3wd`, `14d`), as `data-lead` has it.
pub fn lead_text(lead: Offset) -> String {
    format!("{}{}", lead.amount.unsigned_abs(), lead.unit.suffix())
}

/// The anchor dates over which a comparison of two offsets is checked: every
/// day from the first of January of the earliest holiday's year to the last
/// of December of the year after the latest holiday's; without holidays,
/// two years (weekdays repeat every week, so any span of weeks covers every
/// pattern). Every pattern of weekends and holidays an offset can meet is
/// in it.
pub fn anchor_span(holidays: &BTreeSet<Date>) -> (Date, Date) {
    let first = holidays.first().map_or(2026, |date| date.civil().0);
    let last = holidays.last().map_or(2026, |date| date.civil().0) + 1;
    (
        Date::from_civil(first, 1, 1),
        Date::from_civil(last, 12, 31),
    )
}

/// The first anchor date in [`anchor_span`] on which `earlier` lands
/// strictly before `later`, with both dates; `None` when it never does.
pub fn first_inversion(
    earlier: Offset,
    later: Offset,
    holidays: &BTreeSet<Date>,
) -> Option<(Date, Date, Date)> {
    // In one unit a shift is monotone in its amount (working days map one
    // to one onto the integers), so a smaller amount is never later and a
    // larger one never earlier: only a smaller amount needs the walk below,
    // which then stops at the first working day. Calendar days shift every
    // anchor alike.
    if earlier.unit == later.unit && earlier.amount >= later.amount {
        return None;
    }
    let (start, end) = anchor_span(holidays);
    let mut anchor = start;
    while anchor <= end {
        let (a, b) = (
            shift(anchor, earlier, holidays),
            shift(anchor, later, holidays),
        );
        if a < b {
            return Some((anchor, a, b));
        }
        anchor = anchor.add_days(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        from: String,
        offset: String,
        holidays: Vec<String>,
        expect: String,
    }

    #[derive(serde::Deserialize)]
    struct Table {
        cases: Vec<Case>,
    }

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    #[test]
    fn every_shared_working_day_case_holds() {
        let table: Table =
            serde_json::from_str(include_str!("../../tests/workday-cases.json")).expect("table");
        assert!(table.cases.len() >= 20);
        for case in table.cases {
            let holidays: BTreeSet<Date> = case.holidays.iter().map(|d| date(d)).collect();
            let offset = parse_offset(&case.offset).expect("a valid offset");
            let got = shift(date(&case.from), offset, &holidays);
            assert_eq!(got.to_string(), case.expect, "{}", case.name);
        }
    }

    #[test]
    fn dates_read_and_write_back() {
        for text in [
            "1970-01-01",
            "2026-12-31",
            "2028-02-29",
            "2000-02-29",
            "1969-12-31",
        ] {
            assert_eq!(date(text).to_string(), text);
        }
        assert_eq!(date("1970-01-01"), Date(0));
        assert_eq!(date("2027-01-01").add_days(-1), date("2026-12-31"));
        assert!(date("2026-12-05").is_weekend());
        assert_eq!(date("2026-12-31").weekday_name(), "Thursday");
        assert_eq!(date("2026-12-07").weekday_name(), "Monday");
        assert!(date("2026-12-06").is_weekend());
        assert!(!date("2026-12-07").is_weekend());
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-0a",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let mut day = Date::from_civil(1900, 1, 1);
        let mut previous = day.civil();
        for _ in 0..146_097 {
            day = day.add_days(1);
            let (year, month, dom) = day.civil();
            assert_eq!(Date::from_civil(year, month, dom), day);
            assert!((year, month, dom) > previous);
            previous = (year, month, dom);
        }
    }

    #[test]
    fn offsets_parse_and_print_canonically() {
        let read = |text| parse_offset(text).map(|offset| offset.to_string());
        assert_eq!(read("-3wd"), Ok("-3wd".to_owned()));
        assert_eq!(read("3wd"), Ok("+3wd".to_owned()));
        assert_eq!(read("+2d"), Ok("+2d".to_owned()));
        assert_eq!(read("-0wd"), Ok("0wd".to_owned()));
        assert_eq!(read("0d"), Ok("0d".to_owned()));
        assert_eq!(read("-3660d"), Ok("-3660d".to_owned()));
        assert_eq!(read("-3x"), Err("has an unknown unit"));
        assert_eq!(read("3.5wd"), Err("is not a whole number"));
        assert_eq!(read("--1d"), Err("has more than one sign"));
        assert_eq!(read("+-1d"), Err("has more than one sign"));
        assert_eq!(read("-3"), Err("has no unit"));
        assert_eq!(read("wd"), Err("does not start with a whole number"));
        assert_eq!(read(""), Err("does not start with a whole number"));
        assert_eq!(read(" -3wd"), Err("does not start with a whole number"));
        assert_eq!(read("-3 wd"), Err("has an unknown unit"));
        assert_eq!(read("-3WD"), Err("has an unknown unit"));
        assert_eq!(read("-3661d"), Err("is larger than 3660"));
        assert_eq!(read("99999999999wd"), Err("is larger than 3660"));
    }

    #[test]
    fn estimates_give_leads() {
        let lead = |text| lead_of(text).map(lead_text);
        assert_eq!(lead("3wd").as_deref(), Some("3wd"));
        assert_eq!(lead("2d").as_deref(), Some("2d"));
        assert_eq!(lead("1.5d").as_deref(), Some("2d"));
        assert_eq!(lead("0.5wd").as_deref(), Some("1wd"));
        assert_eq!(lead("1w").as_deref(), Some("7d"));
        assert_eq!(lead("1.5w").as_deref(), Some("11d"));
        assert_eq!(lead("30m"), None);
        assert_eq!(lead("2h"), None);
        assert_eq!(lead("x"), None);
    }

    #[test]
    fn inversions_are_found_on_the_first_failing_anchor() {
        let none = BTreeSet::new();
        let offset = |text| parse_offset(text).expect("valid");
        // -1wd is never before -1d: a working day back is at least a day back.
        assert_eq!(first_inversion(offset("-1d"), offset("-1wd"), &none), None);
        // -1wd lands before -1d when the day before is a weekend day.
        let (anchor, a, b) =
            first_inversion(offset("-1wd"), offset("-1d"), &none).expect("a Monday");
        assert_eq!(anchor.to_string(), "2026-01-04");
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-01-02".to_owned(), "2026-01-03".to_owned())
        );
        assert_eq!(first_inversion(offset("-3wd"), offset("-3wd"), &none), None);
        assert!(first_inversion(offset("-3wd"), offset("-2wd"), &none).is_some());
        assert!(first_inversion(offset("-3d"), offset("-2d"), &none).is_some());
        assert_eq!(first_inversion(offset("-2d"), offset("-3d"), &none), None);
        // In working days a smaller amount is earlier on a working day.
        let (anchor, ..) =
            first_inversion(offset("-1wd"), offset("0wd"), &none).expect("a working day");
        assert_eq!(anchor.to_string(), "2026-01-01");
        assert_eq!(first_inversion(offset("0wd"), offset("-1wd"), &none), None);
        // The span: the holidays' years and the year after.
        let holidays: BTreeSet<Date> = [date("2030-05-01")].into_iter().collect();
        assert_eq!(
            anchor_span(&holidays),
            (date("2030-01-01"), date("2031-12-31"))
        );
    }
}
