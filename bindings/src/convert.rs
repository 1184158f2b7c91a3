//! How values the foreign languages hand in become core values, and back.
//!
//! Ids cross as UUID strings, life domains in their string form (`catalogue:KEY`, `own:UUID`),
//! calendar days as `YYYY-MM-DD` strings and moments as timestamps (see ADR 0003). Everything
//! that comes in is parsed here and refused with [`RecoveryError::Invalid`] naming the field:
//! nothing a caller passes can make the library panic.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, Utc};
use recovery_core::DomainRef;

use crate::error::{Problem, RecoveryError};

/// The result of an exported call.
pub type Result<T, E = RecoveryError> = std::result::Result<T, E>;

/// Parses a typed id (`GoalId`, `UserId`, ...) from its UUID string.
pub(crate) fn id<T: FromStr>(field: &str, text: &str) -> Result<T> {
    text.trim()
        .parse()
        .map_err(|_| RecoveryError::invalid(field, Problem::MalformedId))
}

/// Parses the acting person's id.
pub(crate) fn actor(text: &str) -> Result<recovery_core::Actor> {
    id::<recovery_core::UserId>("actor", text).map(recovery_core::Actor::new)
}

/// Parses a calendar day written exactly as `YYYY-MM-DD`.
pub(crate) fn date(field: &str, text: &str) -> Result<NaiveDate> {
    let malformed = || RecoveryError::invalid(field, Problem::MalformedDate);
    let bytes = text.as_bytes();
    // chrono alone would also take signed and five-digit years; the boundary promises one form.
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(malformed());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| malformed())
}

/// Parses an optional calendar day.
pub(crate) fn optional_date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(|t| date(field, t)).transpose()
}

/// A calendar day as `YYYY-MM-DD`.
pub(crate) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A moment as a timestamp.
pub(crate) fn timestamp(moment: DateTime<Utc>) -> SystemTime {
    SystemTime::from(moment)
}

/// A timestamp handed in as a moment. Refuses, rather than panics on, a time outside the range
/// the core can represent (such as Kotlin's `Instant.MAX`).
pub(crate) fn moment(field: &str, time: SystemTime) -> Result<DateTime<Utc>> {
    let out_of_range = || RecoveryError::invalid(field, Problem::ImplausibleDate);
    let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).map_err(|_| out_of_range())?,
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).map_err(|_| out_of_range())?;
            match before.subsec_nanos() {
                0 => (-secs, 0),
                n => (
                    (-secs).checked_sub(1).ok_or_else(out_of_range)?,
                    1_000_000_000 - n,
                ),
            }
        }
    };
    DateTime::from_timestamp(secs, nanos).ok_or_else(out_of_range)
}

/// Parses an optional moment.
pub(crate) fn optional_moment(
    field: &str,
    time: Option<SystemTime>,
) -> Result<Option<DateTime<Utc>>> {
    time.map(|t| moment(field, t)).transpose()
}

/// Parses a life domain's string form.
pub(crate) fn domain(field: &str, text: &str) -> Result<DomainRef> {
    text.parse()
        .map_err(|_| RecoveryError::invalid(field, Problem::MalformedDomain))
}

/// Narrows a number to the core's small type, refusing what lies outside `min..=max` the same
/// way the core does.
pub(crate) fn small(field: &str, value: i32, min: u8, max: u8) -> Result<u8> {
    u8::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            RecoveryError::invalid(
                field,
                Problem::OutOfRange {
                    min: i64::from(min),
                    max: i64::from(max),
                },
            )
        })
}

/// Converts every element of a list.
pub(crate) fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(Into::into).collect()
}

/// A limit given as `u32` as the core's `usize`.
pub(crate) fn limit(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use recovery_core::{GoalId, UserId};

    fn problem(error: RecoveryError) -> (String, Problem) {
        match error {
            RecoveryError::Invalid { field, problem } => (field, problem),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn ids_round_trip_and_malformed_ids_name_the_field() {
        let goal = GoalId::new();
        assert_eq!(id::<GoalId>("goal", &goal.to_string()), Ok(goal));
        for bad in [
            "",
            "not-a-uuid",
            "1234",
            "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
            "\u{0}",
        ] {
            let err = id::<GoalId>("goal", bad).expect_err(bad);
            assert_eq!(problem(err), ("goal".into(), Problem::MalformedId));
        }
        let err = actor("nobody").expect_err("malformed actor");
        assert_eq!(problem(err), ("actor".into(), Problem::MalformedId));
        let person = UserId::new();
        assert_eq!(actor(&person.to_string()).map(|a| a.id), Ok(person));
    }

    #[test]
    fn dates_take_exactly_one_form() {
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).expect("a leap day");
        assert_eq!(date("d", "2024-02-29"), Ok(leap));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01",
            "+2024-01-01",
            "12024-01-01",
            "2024/01/01",
            "2024-01-01T00:00:00Z",
            "",
            "２０２４-01-01",
        ] {
            let err = date("diary.day", bad).expect_err(bad);
            assert_eq!(
                problem(err),
                ("diary.day".into(), Problem::MalformedDate),
                "{bad}"
            );
        }
        assert_eq!(optional_date("d", None), Ok(None));
        let parsed = date("d", "1905-07-01").map(day);
        assert_eq!(parsed.as_deref(), Ok("1905-07-01"));
    }

    #[test]
    fn domains_parse_both_forms_and_refuse_others() {
        assert_eq!(
            domain("goal.domain", "catalogue:housing"),
            Ok(DomainRef::Catalogue("housing".into()))
        );
        let own = recovery_core::DomainId::new();
        assert_eq!(
            domain("goal.domain", &format!("own:{own}")),
            Ok(DomainRef::Own(own))
        );
        for bad in ["housing", "catalogue:", "catalogue:Housing", "own:x", ""] {
            let err = domain("goal.domain", bad).expect_err(bad);
            assert_eq!(
                problem(err),
                ("goal.domain".into(), Problem::MalformedDomain)
            );
        }
    }

    #[test]
    fn small_numbers_outside_their_range_are_refused_like_the_core_does() {
        assert_eq!(small("status.rating", 7, 1, 10), Ok(7));
        for bad in [0, 11, -1, 256, i32::MAX, i32::MIN] {
            let err = small("status.rating", bad, 1, 10).expect_err("out of range");
            assert_eq!(
                problem(err),
                (
                    "status.rating".into(),
                    Problem::OutOfRange { min: 1, max: 10 }
                )
            );
        }
    }

    #[test]
    fn timestamps_keep_the_moment_both_ways() {
        for (secs, nanos) in [
            (1_700_000_000, 123_000_000),
            (-86_401, 500),
            (-1, 0),
            (0, 0),
        ] {
            let at = DateTime::from_timestamp(secs, nanos).expect("in range");
            assert_eq!(moment("t", timestamp(at)), Ok(at), "{secs}.{nanos}");
        }
    }

    #[test]
    fn moments_beyond_the_cores_range_are_refused_not_panics() {
        let far = Duration::from_secs(u64::MAX / 4);
        for time in [UNIX_EPOCH.checked_add(far), UNIX_EPOCH.checked_sub(far)]
            .into_iter()
            .flatten()
        {
            let err = moment("grant.expires_at", time).expect_err("out of range");
            assert_eq!(
                problem(err),
                ("grant.expires_at".into(), Problem::ImplausibleDate)
            );
        }
    }
}
