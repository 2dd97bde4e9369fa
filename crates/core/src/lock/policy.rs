//! The lock policy: when an unlocked vault is locked again without being asked.

use std::time::{Duration, Instant};

/// How long the app may be away from the screen before it locks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grace {
    /// At once.
    Immediately,
    /// After 30 seconds (the default: long enough to look up a code in another app).
    #[default]
    HalfMinute,
    /// After a minute.
    OneMinute,
    /// After five minutes.
    FiveMinutes,
}

impl Grace {
    /// Every choice, in the order offered.
    pub const ALL: [Grace; 4] = [
        Grace::Immediately,
        Grace::HalfMinute,
        Grace::OneMinute,
        Grace::FiveMinutes,
    ];

    /// The time it allows.
    pub fn duration(self) -> Duration {
        Duration::from_secs(match self {
            Grace::Immediately => 0,
            Grace::HalfMinute => 30,
            Grace::OneMinute => 60,
            Grace::FiveMinutes => 300,
        })
    }

    /// The stored name (`30s`).
    pub fn name(self) -> &'static str {
        match self {
            Grace::Immediately => "immediately",
            Grace::HalfMinute => "30s",
            Grace::OneMinute => "1m",
            Grace::FiveMinutes => "5m",
        }
    }

    /// The choice with this stored name.
    pub fn from_name(name: &str) -> Option<Grace> {
        Grace::ALL.into_iter().find(|grace| grace.name() == name)
    }
}

/// When an unlocked vault locks again by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockPolicy {
    /// After the app left the screen (hidden, minimised, in the background).
    pub grace: Grace,
    /// After this long without a key press or a touch while on screen, where the platform has an
    /// idle time (desktops); `None` never.
    pub idle: Option<Duration>,
}

/// A desktop locks after five minutes without input.
pub const DESKTOP_IDLE: Duration = Duration::from_secs(5 * 60);

impl LockPolicy {
    /// Whether the vault should be locked now: `hidden_since` is when the app left the screen
    /// (`None` while it is on screen), `last_input` when the user last typed or touched.
    pub fn due(&self, hidden_since: Option<Instant>, last_input: Instant, now: Instant) -> bool {
        let away = hidden_since
            .is_some_and(|since| now.saturating_duration_since(since) >= self.grace.duration());
        let idle = self
            .idle
            .is_some_and(|idle| now.saturating_duration_since(last_input) >= idle);
        away || idle
    }
}

/// Whether approving a sign-in must ask for the user (biometrics or the password) first: with app
/// lock on, unless the user unlocked or confirmed within the grace period (`confirmed_at`). With
/// app lock off the vault opens without asking, so asking here would protect nothing.
pub fn approving_asks(
    grace: Grace,
    app_lock: bool,
    confirmed_at: Option<Instant>,
    now: Instant,
) -> bool {
    app_lock
        && confirmed_at
            .is_none_or(|confirmed| now.saturating_duration_since(confirmed) >= grace.duration())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(grace: Grace) -> LockPolicy {
        LockPolicy {
            grace,
            idle: Some(DESKTOP_IDLE),
        }
    }

    #[test]
    fn an_app_on_screen_and_in_use_stays_unlocked() {
        let start = Instant::now();
        let now = start + Duration::from_secs(3600);
        assert!(!policy(Grace::Immediately).due(None, now - Duration::from_secs(10), now));
    }

    #[test]
    fn leaving_the_screen_locks_once_the_grace_period_is_over() {
        let left = Instant::now();
        let half_minute = policy(Grace::HalfMinute);
        assert!(!half_minute.due(Some(left), left, left + Duration::from_secs(29)));
        assert!(half_minute.due(Some(left), left, left + Duration::from_secs(30)));
        assert!(policy(Grace::Immediately).due(Some(left), left, left));
        assert!(!policy(Grace::FiveMinutes).due(Some(left), left, left + Duration::from_secs(299)));
    }

    #[test]
    fn approving_asks_with_app_lock_on_once_the_grace_period_is_over() {
        let unlocked = Instant::now();
        let later = |seconds| unlocked + Duration::from_secs(seconds);
        assert!(!approving_asks(
            Grace::OneMinute,
            true,
            Some(unlocked),
            later(59)
        ));
        assert!(approving_asks(
            Grace::OneMinute,
            true,
            Some(unlocked),
            later(60)
        ));
        assert!(approving_asks(
            Grace::Immediately,
            true,
            Some(unlocked),
            unlocked
        ));
        assert!(approving_asks(Grace::FiveMinutes, true, None, unlocked));
        assert!(!approving_asks(
            Grace::Immediately,
            false,
            None,
            later(3600)
        ));
    }

    #[test]
    fn five_minutes_without_input_lock_a_desktop() {
        let typed = Instant::now();
        let desktop = policy(Grace::HalfMinute);
        assert!(!desktop.due(None, typed, typed + Duration::from_secs(299)));
        assert!(desktop.due(None, typed, typed + Duration::from_secs(300)));
        let phone = LockPolicy {
            idle: None,
            ..desktop
        };
        assert!(!phone.due(None, typed, typed + Duration::from_secs(3600)));
    }

    #[test]
    fn grace_names_read_back() {
        for grace in Grace::ALL {
            assert_eq!(Grace::from_name(grace.name()), Some(grace));
        }
        assert_eq!(Grace::from_name("forever"), None);
    }
}
