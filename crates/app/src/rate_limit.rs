//! Fixed-window counters kept in memory, per node. Enough to slow guessing and abuse;
//! the account lock in the database is what survives restarts and spans nodes.

use crate::error::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

pub struct Limiter {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, (OffsetDateTime, u32)>>,
}

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit for `key`; refuses once the window's allowance is spent.
    pub fn hit(&self, key: &str, now: OffsetDateTime) -> Result<(), AppError> {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            // Bound memory under a flood of distinct keys: expired windows go first.
            hits.retain(|_, (start, _)| now - *start < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((now, 0));
        if now - entry.0 >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.max {
            let retry = (entry.0 + self.window - now).whole_seconds().max(1) as u64;
            return Err(AppError::RateLimited {
                retry_after_secs: retry,
            });
        }
        Ok(())
    }
}

pub struct Limits {
    pub login_by_address: Limiter,
    pub login_by_account: Limiter,
    pub public_api: Limiter,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login_by_address: Limiter::new(30, Duration::minutes(5)),
            login_by_account: Limiter::new(10, Duration::minutes(5)),
            public_api: Limiter::new(120, Duration::minutes(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_allowance_and_resets_with_window() {
        let l = Limiter::new(2, Duration::seconds(60));
        let t = OffsetDateTime::UNIX_EPOCH;
        assert!(l.hit("a", t).is_ok());
        assert!(l.hit("a", t).is_ok());
        assert!(matches!(
            l.hit("a", t),
            Err(AppError::RateLimited {
                retry_after_secs: 60
            })
        ));
        assert!(l.hit("b", t).is_ok());
        assert!(l.hit("a", t + Duration::seconds(61)).is_ok());
    }
}
