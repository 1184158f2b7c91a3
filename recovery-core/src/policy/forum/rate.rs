//! Rate limits on posts and flags: at most `count` in any window of `window_minutes`.
//!
//! The portal asks the store for the member's newest actions inside the window (at most
//! `count` of them) and lets [`check`] decide. A refusal says when the oldest of them leaves
//! the window, so the app can tell the member when to try again.

use chrono::{DateTime, Duration, Utc};

use crate::config::RateLimit;

/// The start of the window that ends at `now`: actions after it count.
pub fn window_start(limit: RateLimit, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::minutes(i64::from(limit.window_minutes))
}

/// Whether one more action is allowed, given the member's actions inside the window, newest
/// first. `Err` carries the seconds until it is (at least 1).
pub fn check(limit: RateLimit, recent: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), u64> {
    let count = usize::try_from(limit.count).unwrap_or(usize::MAX);
    let start = window_start(limit, now);
    let in_window: Vec<&DateTime<Utc>> = recent.iter().filter(|t| **t > start).collect();
    if in_window.len() < count {
        return Ok(());
    }
    let window = Duration::minutes(i64::from(limit.window_minutes));
    // With `count` actions in the window, the next is allowed once the count-th newest leaves.
    let frees_at = match count.checked_sub(1).and_then(|i| in_window.get(i)) {
        Some(oldest_counted) => **oldest_counted + window,
        None => now + window,
    };
    let secs = (frees_at - now).num_milliseconds().div_euclid(1000)
        + i64::from((frees_at - now).num_milliseconds().rem_euclid(1000) > 0);
    Err(u64::try_from(secs.max(1)).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn the_next_action_waits_for_the_oldest_counted_one_to_leave() {
        let limit = RateLimit {
            count: 3,
            window_minutes: 60,
        };
        let recent = [
            t0() - Duration::minutes(1),
            t0() - Duration::minutes(10),
            t0() - Duration::minutes(50),
        ];
        assert_eq!(check(limit, &recent[..2], t0()), Ok(()));
        assert_eq!(check(limit, &recent, t0()), Err(10 * 60));
        // Actions older than the window do not count.
        assert_eq!(check(limit, &recent, t0() + Duration::minutes(10)), Ok(()));
    }

    #[test]
    fn a_zero_limit_forbids_and_says_a_whole_window() {
        let limit = RateLimit {
            count: 0,
            window_minutes: 5,
        };
        assert_eq!(check(limit, &[], t0()), Err(300));
    }

    proptest! {
        #[test]
        fn allowed_exactly_when_fewer_than_count_in_the_window(
            count in 1u32..6,
            ages in prop::collection::vec(0i64..7200, 0..10),
        ) {
            let limit = RateLimit { count, window_minutes: 60 };
            let mut recent: Vec<DateTime<Utc>> = ages.iter().map(|a| t0() - Duration::seconds(*a)).collect();
            recent.sort_unstable_by(|a, b| b.cmp(a));
            let inside = ages.iter().filter(|a| **a < 3600).count();
            match check(limit, &recent, t0()) {
                Ok(()) => prop_assert!(inside < count as usize),
                Err(wait) => {
                    prop_assert!(inside >= count as usize);
                    prop_assert!((1..=3600).contains(&wait));
                    // After waiting, it is allowed.
                    prop_assert_eq!(check(limit, &recent, t0() + Duration::seconds(wait as i64)), Ok(()));
                }
            }
        }
    }
}
