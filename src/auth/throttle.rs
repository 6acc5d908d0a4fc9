//! Slows down guessing. Failed authentications are counted per key (a source address,
//! or a client id from an address); a key that has failed too often is refused for a
//! while, before its credentials are even looked at. Correct credentials from other keys
//! are never slowed down: only failures count.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::AppError;

/// Failures allowed at once, and how many more per minute after that.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub burst: u32,
    pub per_minute: u32,
}

pub struct Throttle {
    failures: DefaultKeyedRateLimiter<String>,
    /// Keys refused until the given moment.
    refused: Mutex<HashMap<String, Instant>>,
    /// Failures counted, to forget idle keys now and then.
    counted: AtomicU64,
}

/// Idle keys are forgotten after this many failures, so memory stays bounded.
const FORGET_EVERY: u64 = 1000;

impl Throttle {
    pub fn new(allowance: Allowance) -> Self {
        let per_minute = NonZeroU32::new(allowance.per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(allowance.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            failures: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
            refused: Mutex::new(HashMap::new()),
            counted: AtomicU64::new(0),
        }
    }

    /// How long the longest-refused of `keys` must still wait; None when all may try.
    pub fn wait(&self, keys: &[String]) -> Option<Duration> {
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        keys.iter().filter_map(|k| refused.get(k)).filter_map(|until| until.checked_duration_since(now)).max()
    }

    /// Counts a failure for each key; returns how long to wait when one has now failed
    /// too often (and is refused from now on).
    pub fn failed(&self, keys: &[String]) -> Option<Duration> {
        if self.counted.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.failures.retain_recent();
            let now = Instant::now();
            self.refused.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, until| *until > now);
        }
        let clock = DefaultClock::default();
        let mut longest = None;
        for key in keys {
            if let Err(not_until) = self.failures.check_key(key) {
                let wait = not_until.wait_time_from(clock.now()).max(Duration::from_secs(1));
                self.refused.lock().unwrap_or_else(|e| e.into_inner()).insert(key.clone(), Instant::now() + wait);
                longest = longest.max(Some(wait));
            }
        }
        longest
    }

    /// Refuses (429 with the seconds to wait) while one of `keys` is refused.
    pub fn check(&self, keys: &[String]) -> Result<(), AppError> {
        match self.wait(keys) {
            Some(wait) => Err(AppError::TooManyAttempts(retry_after_secs(wait))),
            None => Ok(()),
        }
    }

    /// Counts a failure; the refusal to answer with when a key has now failed too often.
    pub fn count_failure(&self, keys: &[String]) -> Option<AppError> {
        self.failed(keys).map(|wait| AppError::TooManyAttempts(retry_after_secs(wait)))
    }
}

/// Whole seconds to tell the client in `Retry-After`, at least one.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_failures_and_others_are_not() {
        let throttle = Throttle::new(Allowance { burst: 3, per_minute: 6 });
        let attacker = vec!["10.0.0.1".to_owned()];
        let other = vec!["10.0.0.2".to_owned()];
        assert_eq!(throttle.wait(&attacker), None);
        for _ in 0..3 {
            assert_eq!(throttle.failed(&attacker), None);
        }
        let wait = throttle.failed(&attacker).expect("the fourth failure is one too many");
        assert!(wait <= Duration::from_secs(10) && wait >= Duration::from_secs(1), "{wait:?}");
        assert!(throttle.wait(&attacker).is_some());
        assert_eq!(throttle.wait(&other), None);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
    }
}
