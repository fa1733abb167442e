//! The retry policy: which failures are repeated, how long to wait between attempts
//! (exponential backoff with jitter, or the wait the server asked for).

use crate::error::Error;
use crate::response::RateLimit;
use reqwest::header::HeaderMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Waits for a duration. Injected so retry behaviour can be tested without sleeping.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Retry timing. Which failures are retried is fixed (see [`RawClient::execute`](crate::RawClient::execute));
/// how long to wait between attempts is configured here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// First backoff delay; doubled on each further retry.
    pub backoff_base: Duration,
    /// Upper bound of a backoff delay (before jitter).
    pub backoff_cap: Duration,
    /// Longest server-requested wait (`Retry-After`, `X-RateLimit-Reset`) the client
    /// will honour; a longer request returns the rate-limit error instead of sleeping.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 2,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// The wait the server asked for: `Retry-After` in seconds or as an HTTP date, else
/// (on a 429) the time until the rate-limit window resets (the API profile's reset
/// header, already converted to Unix seconds).
pub(crate) fn retry_after(
    headers: &HeaderMap,
    status: u16,
    rate_limit: &RateLimit,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    if let Some(text) = headers.get("retry-after").and_then(|value| value.to_str().ok()) {
        let text = text.trim();
        if let Ok(seconds) = text.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(text) {
            let wait = date.with_timezone(&chrono::Utc) - now;
            return Some(wait.to_std().unwrap_or(Duration::ZERO));
        }
    }
    if status == 429 {
        return rate_limit.reset_after(now);
    }
    None
}

/// Decides whether to retry after `error` on attempt `attempt` (0-based), and how long
/// to wait first. `None` means give up and return the error.
pub(crate) fn retry_delay<E>(
    error: &Error<E>,
    attempt: u32,
    retry: &RetryConfig,
    repeatable: bool,
) -> Option<Duration> {
    if attempt >= retry.max_retries {
        return None;
    }
    let server_wait = match error {
        Error::Api(api) if api.status == 429 => api.retry_after,
        Error::Api(api) if repeatable && matches!(api.status, 500 | 502 | 503 | 504) => api.retry_after,
        Error::Timeout { .. } | Error::Connection { .. } if repeatable => None,
        _ => return None,
    };
    match server_wait {
        Some(wait) if wait > retry.max_retry_after => None,
        Some(wait) => Some(wait),
        None => Some(backoff(attempt, retry)),
    }
}

/// `min(base * 2^attempt, cap)` plus up to 25 % random jitter.
fn backoff(attempt: u32, retry: &RetryConfig) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(16));
    let delay = retry.backoff_base.saturating_mul(factor).min(retry.backoff_cap);
    let jitter_range = delay.as_millis() as u64 / 4;
    let jitter = if jitter_range == 0 {
        0
    } else {
        fastrand::u64(0..=jitter_range)
    };
    delay + Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, UnexpectedResponse};
    use bytes::Bytes;
    use reqwest::header::HeaderValue;

    fn api(status: u16, retry_after: Option<Duration>) -> Error<()> {
        Error::Api(Box::new(ApiError {
            status,
            body: None,
            raw: Bytes::new(),
            headers: HeaderMap::new(),
            request_id: None,
            code: None,
            message: None,
            rate_limit: RateLimit::default(),
            retry_after,
        }))
    }

    #[test]
    fn retry_table() {
        let retry = RetryConfig::default();
        assert!(retry_delay(&api(429, None), 0, &retry, false).is_some());
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(1))), 0, &retry, false),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(3600))), 0, &retry, false),
            None
        );
        assert!(retry_delay(&api(503, None), 0, &retry, true).is_some());
        assert_eq!(retry_delay(&api(503, None), 0, &retry, false), None);
        assert_eq!(retry_delay(&api(404, None), 0, &retry, true), None);
        assert_eq!(retry_delay(&api(429, None), 2, &retry, true), None);
        let timeout: Error<()> = Error::Timeout {
            after: Duration::from_secs(1),
        };
        assert!(retry_delay(&timeout, 0, &retry, true).is_some());
        assert_eq!(retry_delay(&timeout, 0, &retry, false), None);
    }

    #[test]
    fn backoff_grows_and_caps() {
        let retry = RetryConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(300),
            ..RetryConfig::default()
        };
        let first = backoff(0, &retry);
        assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(125));
        let capped = backoff(10, &retry);
        assert!(capped >= Duration::from_millis(300) && capped <= Duration::from_millis(375));
    }

    #[test]
    fn retry_after_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::from_secs(7))
        );
        headers.insert("retry-after", HeaderValue::from_static("Thu, 01 Jan 2026 00:00:30 GMT"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::from_secs(30))
        );
        let reset = RateLimit {
            reset: Some(u64::try_from(now.timestamp()).unwrap() + 12),
            ..RateLimit::default()
        };
        assert_eq!(
            retry_after(&HeaderMap::new(), 429, &reset, now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(retry_after(&HeaderMap::new(), 503, &reset, now), None);
        let past = RateLimit {
            reset: Some(u64::try_from(now.timestamp()).unwrap() - 5),
            ..RateLimit::default()
        };
        assert_eq!(retry_after(&HeaderMap::new(), 429, &past, now), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("Wed, 31 Dec 2025 23:59:00 GMT"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::ZERO),
            "a date in the past means retry now"
        );
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, 429, &RateLimit::default(), now), None);
    }

    #[test]
    fn retry_table_edges() {
        let retry = RetryConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        for status in [500, 502, 503, 504] {
            assert!(retry_delay(&api(status, None), 0, &retry, true).is_some(), "{status}");
            assert_eq!(retry_delay(&api(status, None), 0, &retry, false), None, "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(retry_delay(&api(status, None), 0, &retry, true), None, "{status}");
        }
        // A 503 asking for a wait gets exactly that wait, unless it is over the cap.
        assert_eq!(
            retry_delay(&api(503, Some(Duration::from_secs(2))), 0, &retry, true),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_delay(&api(503, Some(Duration::from_secs(61))), 0, &retry, true),
            None
        );
        // Exactly the cap is still honoured.
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(60))), 0, &retry, false),
            Some(Duration::from_secs(60))
        );
        // Backoff doubles per attempt: 100 ms, 200 ms, 400 ms (+ up to 25 %).
        let second = retry_delay(
            &api(429, None),
            1,
            &RetryConfig {
                max_retries: 5,
                ..retry
            },
            false,
        )
        .unwrap();
        assert!(second >= Duration::from_millis(200) && second <= Duration::from_millis(250));
        let third = retry_delay(
            &api(429, None),
            2,
            &RetryConfig {
                max_retries: 5,
                ..retry
            },
            false,
        )
        .unwrap();
        assert!(third >= Duration::from_millis(400) && third <= Duration::from_millis(500));
        let unexpected: Error<()> = Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: 200,
            content_type: None,
            raw: Bytes::new(),
            path: None,
            reason: String::new(),
        }));
        assert_eq!(retry_delay(&unexpected, 0, &retry, true), None);
        let invalid: Error<()> = Error::invalid_argument("x", "bad");
        assert_eq!(retry_delay(&invalid, 0, &retry, true), None);
    }
}
