//! Wall-clock helpers: ISO-8601 formatting and parsing without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

pub const DAY_MS: i64 = 86_400_000;

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// `2024-10-13T03:29:05.779Z`, as `Date.toJSON()` prints.
pub fn iso(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let (y, m, d) = civil(days);
    let s = rem / 1000;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", s / 3600, s / 60 % 60, s % 60, rem % 1000)
}

/// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM]` into epoch milliseconds (UTC when no zone).
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes().all(|b| b.is_ascii_digit()).then(|| t.parse().ok())?
    };
    // ASCII only, so the byte slicing below cannot split a character.
    if !s.is_ascii() || s.len() < 10 || &s[4..5] != "-" || &s[7..8] != "-" {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * DAY_MS;
    let mut rest = &s[10..];
    if let Some(t) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        let s = t;
        let n = |r: std::ops::Range<usize>| -> Option<i64> {
            let t = s.get(r)?;
            t.bytes().all(|b| b.is_ascii_digit()).then(|| t.parse().ok())?
        };
        if s.get(2..3)? != ":" {
            return None;
        }
        ms += n(0..2)? * 3_600_000 + n(3..5)? * 60_000;
        let mut used = 5;
        if s.get(5..6) == Some(":") {
            ms += n(6..8)? * 1000;
            used = 8;
            if s.get(8..9) == Some(".") {
                let frac: String = s[9..].chars().take_while(char::is_ascii_digit).collect();
                used = 9 + frac.len();
                let f = format!("{frac:0<3}");
                ms += f[..3].parse::<i64>().ok()?;
            }
        }
        rest = &s[used..];
    }
    match rest {
        "" | "Z" | "z" => Some(ms),
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => {
            let h: i64 = z[1..3].parse().ok()?;
            let m: i64 = z[4..6].parse().ok()?;
            let off = (h * 60 + m) * 60_000;
            Some(if z.starts_with('+') { ms - off } else { ms + off })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_728_790_145_779;
        assert_eq!(iso(ms), "2024-10-13T03:29:05.779Z");
        assert_eq!(parse_date("2024-10-13T03:29:05.779Z"), Some(ms));
        assert_eq!(parse_date("2024-10-13"), Some(ms - ms % DAY_MS));
        assert_eq!(parse_date("2024-10-13T11:29:05.779+08:00"), Some(ms), "offsets");
        assert_eq!(parse_date("nope"), None);
    }
}
