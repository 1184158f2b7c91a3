//! How model values become SQLite values and back: ids as 16-byte BLOBs, times as INTEGER
//! nanoseconds since the Unix epoch (UTC), enums by their stable names, item bodies and proposal
//! contents as JSON text.
//!
//! Decoding failures never quote what was stored: a body is health text.

use chrono::{DateTime, Utc};
use rusqlite::Row;
use rusqlite::types::{Type, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::model::toolbox::{ItemBody, MeasureValue};
use crate::store::StoreError;

/// A value that cannot be decoded; carries no part of the value.
#[derive(Debug, thiserror::Error)]
#[error("stored value does not decode")]
pub(super) struct Undecodable;

/// A 16-byte BLOB column as a UUID.
pub(super) fn uuid_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let bytes = row.get_ref(idx)?.as_blob()?;
    Uuid::from_slice(bytes).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(idx, Type::Blob, Box::new(Undecodable))
    })
}

/// A nullable 16-byte BLOB column as a UUID.
pub(super) fn optional_uuid_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    match row.get_ref(idx)?.as_blob_or_null()? {
        None => Ok(None),
        Some(bytes) => Uuid::from_slice(bytes).map(Some).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(idx, Type::Blob, Box::new(Undecodable))
        }),
    }
}

/// A time as nanoseconds since the epoch: exact for every `DateTime<Utc>` from 1677 to 2262
/// that is not a leap second. Microseconds would drop the nanoseconds `Utc::now()` carries.
pub(super) fn time_to_sql(time: DateTime<Utc>, what: &str) -> Result<i64, StoreError> {
    let out_of_range = || StoreError::Backend {
        detail: format!(
            "{what} is outside the times this store keeps (1677 to 2262, no leap seconds)"
        ),
    };
    // chrono keeps a leap second as a sub-second value of 1e9 or more, which nanoseconds since
    // the epoch cannot tell from the next second.
    if time.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err(out_of_range());
    }
    time.timestamp_nanos_opt().ok_or_else(out_of_range)
}

/// The inverse of [`time_to_sql`].
pub(super) fn time_from_sql(nanos: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(nanos)
}

/// A value that compares with every stored time as `bound` itself would, for the bound of a
/// filter such as `created_at >= ?` or `at < ?`. Unlike [`time_to_sql`] it takes any time:
/// before 1677 it is minus infinity, after 2262 plus infinity, and a leap second is the start of
/// the next second (no stored time lies between the two).
pub(super) fn time_bound(bound: DateTime<Utc>) -> Value {
    let nanos = i128::from(bound.timestamp()) * 1_000_000_000
        + i128::from(bound.timestamp_subsec_nanos().min(1_000_000_000));
    match i64::try_from(nanos) {
        Ok(n) => Value::Integer(n),
        Err(_) if nanos < 0 => Value::Real(f64::NEG_INFINITY),
        Err(_) => Value::Real(f64::INFINITY),
    }
}

/// An item body as JSON. Refuses non-finite numbers, which JSON cannot hold: serde_json would
/// write `null` and the body would not read back.
pub(super) fn body_to_sql(
    body: &ItemBody,
    item: impl std::fmt::Display,
) -> Result<String, StoreError> {
    if let ItemBody::Registration(r) = body {
        if let MeasureValue::Number(n) = r.value {
            if !n.is_finite() {
                return Err(StoreError::Backend {
                    detail: format!("item {item}: a registration value must be a finite number"),
                });
            }
        }
    }
    json_to_sql(body, format_args!("item {item}"))
}

/// A value as JSON text.
pub(super) fn json_to_sql<T: Serialize>(
    value: &T,
    whose: impl std::fmt::Display,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| StoreError::Backend {
        detail: format!("{whose}: does not encode as JSON"),
    })
}

/// The inverse of [`json_to_sql`]: [`StoreError::Corrupt`] if the text is not such a value
/// (without quoting it).
pub(super) fn json_from_sql<T: DeserializeOwned>(
    json: &str,
    whose: impl std::fmt::Display,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt {
        detail: format!("{whose}: stored JSON does not decode"),
    })
}

/// A unit enum variant by its serde name (`mental-health-nurse`, `on-hold`, `not-shared`): the
/// same stable, kebab-case name the model's `as_str` methods give.
pub(super) fn name_to_sql<T: Serialize>(value: T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        _ => Err(StoreError::Backend {
            detail: format!("a {} does not encode as a name", short_type_name::<T>()),
        }),
    }
}

/// The inverse of [`name_to_sql`]; `None` for a name this library does not know.
pub(super) fn name_from_sql<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// The last segment of a type's path, for messages.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_round_trip_to_the_nanosecond() {
        let times = [
            Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::nanoseconds(1),
            Utc.with_ymd_and_hms(2262, 4, 11, 0, 0, 0).unwrap(),
            Utc::now(),
        ];
        for t in times {
            assert_eq!(time_from_sql(time_to_sql(t, "t").unwrap()), t);
        }
    }

    #[test]
    fn encoded_times_sort_like_times() {
        let a = Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 40).unwrap();
        let b = a + chrono::Duration::nanoseconds(1);
        let c = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let encoded: Vec<i64> = [a, b, c]
            .iter()
            .map(|t| time_to_sql(*t, "t").unwrap())
            .collect();
        assert!(encoded.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn times_outside_the_nanosecond_range_are_refused() {
        let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
        let err = time_to_sql(far, "created_at").unwrap_err();
        assert!(matches!(err, StoreError::Backend { ref detail } if detail.contains("created_at")));
    }

    #[test]
    fn bounds_compare_like_the_time() {
        let t =
            Utc.with_ymd_and_hms(2024, 5, 17, 8, 0, 0).unwrap() + chrono::Duration::nanoseconds(5);
        assert_eq!(time_bound(t), Value::Integer(time_to_sql(t, "t").unwrap()));
        let ancient = Utc.with_ymd_and_hms(1000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(time_bound(ancient), Value::Real(f64::NEG_INFINITY));
        let far = Utc.with_ymd_and_hms(3000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(time_bound(far), Value::Real(f64::INFINITY));
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let next = Utc.with_ymd_and_hms(2017, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            time_bound(leap),
            Value::Integer(time_to_sql(next, "t").unwrap())
        );
        assert!(
            time_to_sql(leap, "t").is_err(),
            "a leap second is not stored"
        );
    }

    #[test]
    fn every_profession_round_trips_by_name() {
        use crate::model::people::Profession::{self, *};
        for p in [
            Psychologist,
            Psychiatrist,
            Physician,
            MentalHealthNurse,
            SocialWorker,
            OccupationalTherapist,
            SocialEducator,
            PeerWorker,
            Other,
        ] {
            let name = name_to_sql(p).unwrap();
            assert!(!name.contains('"'));
            assert_eq!(name_from_sql::<Profession>(&name), Some(p));
        }
        assert_eq!(
            name_to_sql(MentalHealthNurse).unwrap(),
            "mental-health-nurse"
        );
        assert_eq!(name_from_sql::<Profession>("astrologer"), None);
    }

    #[test]
    fn enum_names_are_the_models_own_stable_names() {
        use crate::error::DenyReason;
        use crate::model::audit::AccessAction;
        use crate::model::team::{Level, ProposalStatus, TeamStatus};
        for a in AccessAction::ALL {
            assert_eq!(name_to_sql(a).unwrap(), a.as_str());
        }
        for l in [Level::None, Level::View, Level::Suggest] {
            assert_eq!(name_to_sql(l).unwrap(), l.as_str());
        }
        for s in [
            ProposalStatus::Pending,
            ProposalStatus::Accepted,
            ProposalStatus::Rejected,
        ] {
            assert_eq!(name_to_sql(s).unwrap(), s.as_str());
        }
        for s in [
            TeamStatus::Proposed,
            TeamStatus::Active,
            TeamStatus::Inactive,
        ] {
            assert_eq!(name_to_sql(s).unwrap(), s.code());
        }
        let reasons = [
            DenyReason::NotShared,
            DenyReason::WrongRole,
            DenyReason::NoCareTeam,
            DenyReason::GrantExpired,
            DenyReason::OwnerOnly,
            DenyReason::NotAParty,
            DenyReason::NotAMember,
        ];
        for r in reasons {
            assert_eq!(name_to_sql(r).unwrap(), r.as_str());
            assert_eq!(name_from_sql::<DenyReason>(r.as_str()), Some(r));
        }
    }
}
