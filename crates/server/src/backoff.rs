//! Against MFA fatigue: what slows down the approvals of an account that is asked again and
//! again, by someone who knows the password and hopes the user taps "approve" to make it stop.
//!
//! Denials in a row bring a wait that doubles with each further one. An approval left
//! unanswered (it expired, or a newer one superseded it) counts as a denial made when it was
//! asked for, so ignoring the phone slows an attacker down exactly as denying does, and a
//! request made while the account must wait supersedes nothing. A wrong pick in `choose` mode
//! counts as [`WRONG_PICK_WEIGHT`] denials, and a few in a row mute the account. An account is
//! asked at most `account_per_day` times in any 24 hours. The site hears in the create answer
//! when an account looks flooded.

use crate::settings::Settings;

/// How many denials one wrong pick in `choose` mode counts as: a pick at random is right one
/// time in three, so it is a far weaker proof than a typed number.
pub const WRONG_PICK_WEIGHT: i64 = 2;

/// The window of the daily cap.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The first wait of the backoff; it doubles with each further denial.
const FIRST_WAIT_MS: i64 = 10_000;

/// The longest wait of the backoff.
const LONGEST_WAIT_MS: i64 = 15 * 60 * 1000;

/// What the rules know about an account's recent approvals when a new one is asked for.
#[derive(Clone, Copy, Debug)]
pub struct Record {
    /// Denials in a row (wrong picks weighed, unanswered approvals already closed counted).
    pub denials: i64,
    /// When the last of them was (Unix ms).
    pub last_denied_at: i64,
    /// When the account's pending approval was asked for, if it has one: a new approval would
    /// close it unanswered, so it counts already.
    pub pending_since: Option<i64>,
}

impl Record {
    /// Denials in a row, the pending approval that a new one would close included.
    pub fn in_a_row(&self) -> i64 {
        self.denials + i64::from(self.pending_since.is_some())
    }

    /// When the account may be asked again (Unix ms), if it has to wait at all.
    pub fn wait_until(&self, settings: &Settings) -> Option<i64> {
        let in_a_row = self.in_a_row();
        if in_a_row < settings.backoff_after_denials {
            return None;
        }
        let doublings = (in_a_row - settings.backoff_after_denials).min(10) as u32;
        let wait = (FIRST_WAIT_MS << doublings).min(LONGEST_WAIT_MS);
        let last = self.last_denied_at.max(self.pending_since.unwrap_or(0));
        Some(last + wait)
    }
}

/// Whether an account looks flooded, so the site should suspect that the password is known to
/// someone else: the approvals before this one were denied or left unanswered so often in a row
/// that one more brings the backoff, or more than half of the day's cap is used.
pub fn flooded(settings: &Settings, denied_in_a_row: i64, asked_today: i64) -> bool {
    denied_in_a_row + 1 >= settings.backoff_after_denials.max(2)
        || asked_today * 2 > settings.account_per_day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::new("https://approvals.example.com".into())
    }

    #[test]
    fn a_pending_approval_counts_as_one_more_denial_from_when_it_was_asked_for() {
        let record = Record {
            denials: 2,
            last_denied_at: 1_000,
            pending_since: Some(5_000),
        };
        assert_eq!(record.in_a_row(), 3);
        assert_eq!(record.wait_until(&settings()), Some(5_000 + FIRST_WAIT_MS));
    }

    #[test]
    fn the_wait_doubles_and_stops_at_fifteen_minutes() {
        let waits: Vec<i64> = (3..=14)
            .map(|denials| {
                Record {
                    denials,
                    last_denied_at: 0,
                    pending_since: None,
                }
                .wait_until(&settings())
                .unwrap()
            })
            .collect();
        assert_eq!(
            waits[..7],
            [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000]
        );
        assert!(waits[7..].iter().all(|wait| *wait == LONGEST_WAIT_MS));
    }
}
