//! Calendar dates as day numbers (days since 1970-01-01), so generating
//! 100k people's dates is plain integer arithmetic that cannot fail.

/// Day number of a civil date (Howard Hinnant's `days_from_civil`).
pub(crate) fn from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day number (Howard Hinnant's `civil_from_days`).
pub(crate) fn to_civil(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2026/11/23`, as SmartHR and Japanese admin screens write dates.
pub(crate) fn slash(day: i32) -> String {
    let (y, m, d) = to_civil(day);
    format!("{y:04}/{m:02}/{d:02}")
}

/// `2026-11-23`.
pub(crate) fn iso(day: i32) -> String {
    let (y, m, d) = to_civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_knows_leap_years() {
        assert_eq!(from_civil(1970, 1, 1), 0);
        let d = from_civil(2026, 11, 23);
        assert_eq!(to_civil(d), (2026, 11, 23));
        assert_eq!(iso(from_civil(2024, 2, 28) + 1), "2024-02-29");
        assert_eq!(slash(from_civil(2025, 12, 31) + 1), "2026/01/01");
        for z in -1000..30000 {
            let (y, m, dd) = to_civil(z);
            assert_eq!(from_civil(y, m, dd), z);
        }
    }
}
