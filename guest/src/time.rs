//! Wall-clock time as text, for evidence records and their file names.

/// `2026-11-26T19:48:00.123Z`.
pub fn rfc3339(seconds: u64, nanos: u32) -> String {
    let (y, m, d, hh, mm, ss) = civil(seconds);
    format!(
        "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{:03}Z",
        nanos / 1_000_000
    )
}

/// `20261126T194800.123Z`: sorts by time, and is a plain file name.
pub fn compact(seconds: u64, nanos: u32) -> String {
    let (y, m, d, hh, mm, ss) = civil(seconds);
    format!(
        "{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}.{:03}Z",
        nanos / 1_000_000
    )
}

/// `2026-11-26 19:48 UTC`: a time for people.
pub fn minute(seconds: u64) -> String {
    let (y, m, d, hh, mm, _) = civil(seconds);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC")
}

/// Year, month, day, hour, minute, second of a Unix time (proleptic Gregorian, UTC).
fn civil(seconds: u64) -> (u64, u64, u64, u64, u64, u64) {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Howard Hinnant's days-to-civil, shifted so that eras start on 0000-03-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d, rest / 3_600, rest % 3_600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 0), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            rfc3339(1_795_722_480, 123_456_789),
            "2026-11-26T19:48:00.123Z"
        );
        assert_eq!(compact(1_795_722_480, 5_000_000), "20261126T194800.005Z");
        assert_eq!(minute(1_795_722_480), "2026-11-26 19:48 UTC");
        assert_eq!(
            rfc3339(4_102_444_799, 999_999_999),
            "2099-12-31T23:59:59.999Z"
        );
    }
}
