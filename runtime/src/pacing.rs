//! Load pacing shared by a client and its clones: the rate-limit budget learned from
//! the API's rate-limit headers, the pause every request observes after a `429`, the
//! optional client-side limits (`max_concurrent_requests`, requests per interval),
//! and the admission gate each attempt passes before it is sent.
//!
//! Admission is first come, first served: waiters queue on a fair async mutex, and only
//! the one at the head waits for time to pass, so dropping a queued future simply
//! leaves the queue (nothing it reserved is sent later).

use crate::response::RateLimit;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// How a client paces its requests. Clones of a client share one pacer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PacingConfig {
    /// Follow the server: learn the budget from the rate-limit headers (waiting for
    /// the reset when it is spent) and pause every request after a `429`. Default on.
    pub follow_server: bool,
    /// At most this many requests in flight at once. Default: no cap.
    pub max_concurrent_requests: Option<usize>,
    /// At most `requests` per `interval`, as a token bucket that starts full (bursts of
    /// up to `requests`). Default: none.
    pub rate: Option<(u32, Duration)>,
}

impl Default for PacingConfig {
    fn default() -> Self {
        Self {
            follow_server: true,
            max_concurrent_requests: None,
            rate: None,
        }
    }
}

/// Why admission refused to send an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused {
    /// How long the client would still have had to wait.
    pub(crate) retry_after: Duration,
}

/// What the client knows about the server's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Budget {
    /// Nothing learned yet (or a window ended without a known limit): the next
    /// request goes alone and its answer tells the budget.
    Unknown,
    /// The API names rate-limit headers but this server does not send them.
    NotAnnounced,
    /// Requests left (this client's estimate) until the window resets.
    Known {
        remaining: u64,
        /// The reset as the server wrote it (Unix seconds), to tell windows apart.
        reset_unix: Option<u64>,
        reset_at: Option<Instant>,
    },
}

struct State {
    budget: Budget,
    limit: Option<u64>,
    /// Answers whose reset is at or before this belong to a window already over.
    stale_until: Option<u64>,
    /// Attempts admitted and not yet answered.
    in_flight: u64,
    paused_until: Option<Instant>,
    probe_in_flight: bool,
    /// The caller's declared limit.
    bucket: Option<Bucket>,
    /// The rate learned from `429`s when the server announces no budget: as many
    /// requests per cycle (time between pauses, pause included) as succeeded in the
    /// last one. Dropped once demand stays below it.
    learned: Option<Bucket>,
    learned_until: Instant,
    cycle_start: Instant,
    cycle_successes: u64,
}

/// A token bucket: `capacity` tokens, one more every `per_token`.
struct Bucket {
    capacity: f64,
    tokens: f64,
    per_token: Duration,
    updated: Instant,
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed / self.per_token.as_secs_f64()).min(self.capacity);
        self.updated = now;
    }

    /// When the next whole token is there (now, if one is).
    fn ready_at(&self, now: Instant) -> Instant {
        if self.tokens >= 1.0 {
            return now;
        }
        now + self.per_token.mul_f64(1.0 - self.tokens)
    }
}

/// The shared pacing state of one client (and its clones).
pub(crate) struct Pacer {
    config: PacingConfig,
    /// Whether the API's profile names rate-limit headers worth waiting for.
    announced: bool,
    gate: tokio::sync::Mutex<()>,
    state: Mutex<State>,
    probe_done: Notify,
    concurrency: Option<Semaphore>,
}

/// Longest a queued request waits for the first answer that tells the budget
/// before going ahead anyway (a slow first response must not stall a burst).
const PROBE_HOLD: Duration = Duration::from_secs(2);

impl Pacer {
    /// A pacer for `config`; `announced` says whether the API names budget headers.
    pub(crate) fn new(config: PacingConfig, announced: bool) -> Self {
        let bucket = config.rate.and_then(|(requests, interval)| {
            (requests > 0 && !interval.is_zero()).then(|| Bucket {
                capacity: f64::from(requests),
                tokens: f64::from(requests),
                per_token: interval / requests,
                updated: Instant::now(),
            })
        });
        Self {
            config,
            announced,
            gate: tokio::sync::Mutex::new(()),
            state: Mutex::new(State {
                budget: Budget::Unknown,
                limit: None,
                stale_until: None,
                in_flight: 0,
                paused_until: None,
                probe_in_flight: false,
                bucket,
                learned: None,
                learned_until: Instant::now(),
                cycle_start: Instant::now(),
                cycle_successes: 0,
            }),
            probe_done: Notify::new(),
            concurrency: config.max_concurrent_requests.map(|cap| Semaphore::new(cap.max(1))),
        }
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &PacingConfig {
        &self.config
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until an attempt may be sent, then takes its place (a concurrency
    /// permit, a token, one unit of the learned budget).
    ///
    /// Refuses at once when the server-imposed wait (a `429` pause or a spent
    /// budget) is longer than `max_server_wait`, and when the wait would pass
    /// `deadline`. `own_pause` is the pause this call already slept through after its
    /// own `429`, which it does not wait for twice.
    pub(crate) async fn admit(
        &self,
        deadline: Instant,
        max_server_wait: Duration,
        own_pause: Option<Instant>,
    ) -> Result<Ticket<'_>, Refused> {
        let refuse_at = |now: Instant| Refused {
            retry_after: deadline.saturating_duration_since(now),
        };
        let permit = match &self.concurrency {
            Some(semaphore) => match tokio::time::timeout_at(deadline, semaphore.acquire()).await {
                Ok(Ok(permit)) => Some(permit),
                // A closed semaphore never happens (it is never closed); treat as full.
                Ok(Err(_)) | Err(_) => return Err(refuse_at(Instant::now())),
            },
            None => None,
        };
        let Ok(_turn) = tokio::time::timeout_at(deadline, self.gate.lock()).await else {
            return Err(refuse_at(Instant::now()));
        };
        loop {
            let now = Instant::now();
            let decision = self.decide(now, own_pause);
            let ready_at = match decision {
                Decision::Go { probe } => {
                    return Ok(Ticket {
                        pacer: self,
                        _permit: permit,
                        probe,
                    })
                }
                Decision::WaitForProbe => {
                    let until = (now + PROBE_HOLD).min(deadline);
                    // Created before the check, so a probe finishing in between still wakes it.
                    let notified = self.probe_done.notified();
                    let still_running = self.state().probe_in_flight;
                    if still_running && tokio::time::timeout_at(until, notified).await.is_err() {
                        if until >= deadline {
                            return Err(refuse_at(Instant::now()));
                        }
                        // Go ahead without the budget: the probe is too slow.
                        self.state().probe_in_flight = false;
                    }
                    continue;
                }
                Decision::Wait { until, server } => {
                    let wait = until.saturating_duration_since(now);
                    if server && wait > max_server_wait {
                        return Err(Refused { retry_after: wait });
                    }
                    if until > deadline {
                        return Err(Refused { retry_after: wait });
                    }
                    until
                }
            };
            tokio::time::sleep_until(ready_at).await;
        }
    }

    /// Whether the request at the head of the queue may go now, and if so takes its
    /// share of the budget.
    fn decide(&self, now: Instant, own_pause: Option<Instant>) -> Decision {
        let mut state = self.state();
        let mut wait: Option<(Instant, bool)> = None;
        let mut later = |until: Instant, server: bool| {
            if until > now && wait.is_none_or(|(known, _)| until > known) {
                wait = Some((until, server));
            }
        };
        if self.config.follow_server {
            if let Some(until) = state.paused_until {
                if own_pause.is_none_or(|own| until > own) {
                    later(until, true);
                }
            }
            if let Budget::Known {
                remaining: 0, reset_at, ..
            } = state.budget
            {
                match reset_at {
                    // A call that slept through its own 429's wait has waited for this.
                    Some(reset_at) if own_pause.is_some_and(|own| reset_at <= own) => {}
                    Some(reset_at) if reset_at > now => later(reset_at, true),
                    // The window is over: a known limit refills it, else ask again.
                    Some(_) => {
                        if let Budget::Known { reset_unix, .. } = state.budget {
                            state.stale_until = reset_unix.or(state.stale_until);
                        }
                        // Calls still in flight may land in the new window.
                        let in_flight = state.in_flight;
                        state.budget = match state.limit {
                            Some(limit) if limit > in_flight => Budget::Known {
                                remaining: limit - in_flight,
                                reset_unix: None,
                                reset_at: None,
                            },
                            _ => Budget::Unknown,
                        }
                    }
                    // Spent, and no answer has said when it comes back: ask.
                    None => state.budget = Budget::Unknown,
                }
            }
        }
        if let Some(bucket) = &mut state.bucket {
            bucket.refill(now);
            later(bucket.ready_at(now), false);
        }
        let learned_until = state.learned_until;
        if let Some(learned) = &mut state.learned {
            learned.refill(now);
            if learned.tokens >= learned.capacity && now > learned_until {
                state.learned = None;
            } else {
                later(learned.ready_at(now), false);
            }
        }
        if let Some((until, server)) = wait {
            return Decision::Wait { until, server };
        }
        let learning = self.config.follow_server && self.announced && state.budget == Budget::Unknown;
        if learning && state.probe_in_flight {
            return Decision::WaitForProbe;
        }
        let state = &mut *state;
        for bucket in [&mut state.bucket, &mut state.learned].into_iter().flatten() {
            bucket.tokens -= 1.0;
        }
        if let Budget::Known { remaining, .. } = &mut state.budget {
            *remaining = remaining.saturating_sub(1);
        }
        if learning {
            state.probe_in_flight = true;
        }
        state.in_flight += 1;
        Decision::Go { probe: learning }
    }

    /// Learns from an answer: the budget its headers announce and, for a `429`, the
    /// pause every request of this client observes. Returns the pause's end.
    fn observe(
        &self,
        status: Option<u16>,
        rate_limit: &RateLimit,
        server_wait: Option<Duration>,
        probe: bool,
    ) -> Option<Instant> {
        let mut state = self.state();
        let now = Instant::now();
        let mut pause = None;
        if self.config.follow_server {
            learn_budget(&mut state, rate_limit, now, probe);
            match (status, server_wait) {
                (Some(429), Some(wait)) => {
                    let until = now + wait;
                    let already_paused = state.paused_until.is_some_and(|known| known > now);
                    if !already_paused && !rate_limit.is_announced() {
                        learn_rate(&mut state, until);
                    }
                    state.paused_until = Some(state.paused_until.map_or(until, |known| known.max(until)));
                    pause = Some(until);
                }
                (Some(status), _) if status < 400 => state.cycle_successes += 1,
                _ => {}
            }
        }
        if probe {
            state.probe_in_flight = false;
            drop(state);
            self.probe_done.notify_waiters();
        }
        pause
    }
}

/// After a `429` that starts a pause: allow as many requests per cycle as succeeded
/// in the cycle that just ended (from the last pause's end to the end of this one),
/// released from the end of this pause.
///
/// A cycle without a single success teaches nothing (it would crawl at one request
/// per pause), so then only the pause applies.
fn learn_rate(state: &mut State, pause_end: Instant) {
    let permits = state.cycle_successes;
    state.cycle_successes = 0;
    if permits == 0 {
        state.cycle_start = pause_end;
        return;
    }
    let cycle = pause_end.saturating_duration_since(state.cycle_start);
    let per_token = cycle.div_f64(permits as f64);
    if per_token.is_zero() {
        return;
    }
    let capacity = permits as f64;
    state.learned = Some(Bucket {
        capacity,
        tokens: capacity,
        per_token,
        updated: pause_end,
    });
    state.learned_until = pause_end + cycle * 2;
    state.cycle_start = pause_end;
}

fn learn_budget(state: &mut State, rate_limit: &RateLimit, now: Instant, probe: bool) {
    if rate_limit.limit.is_some() {
        state.limit = rate_limit.limit;
    }
    let Some(reported) = rate_limit.remaining else {
        if probe && state.budget == Budget::Unknown && rate_limit.reset.is_none() {
            state.budget = Budget::NotAnnounced;
        }
        return;
    };
    if let (Some(reset), Some(stale)) = (rate_limit.reset, state.stale_until) {
        if reset <= stale {
            return;
        }
    }
    let reset_at = rate_limit.reset.map(|reset| now + until_unix(reset));
    state.budget = match state.budget {
        // An answer from an older window than the one known says nothing new.
        Budget::Known {
            reset_unix: Some(known),
            ..
        } if rate_limit.reset.is_some_and(|reset| reset < known) => state.budget,
        // Same window (or the one a known limit refilled): requests this client sent
        // since may not be counted yet, so the lower figure wins.
        Budget::Known {
            remaining,
            reset_unix,
            reset_at: known_at,
        } if rate_limit.reset.is_none() || reset_unix.is_none() || rate_limit.reset == reset_unix => Budget::Known {
            remaining: remaining.min(reported),
            reset_unix: reset_unix.or(rate_limit.reset),
            reset_at: known_at.or(reset_at),
        },
        _ => Budget::Known {
            remaining: reported,
            reset_unix: rate_limit.reset,
            reset_at,
        },
    };
}

/// Time from now until a Unix time in seconds (zero once past), to the millisecond.
fn until_unix(reset: u64) -> Duration {
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    Duration::from_millis(reset.saturating_mul(1000).saturating_sub(now_ms))
}

enum Decision {
    Go { probe: bool },
    WaitForProbe,
    Wait { until: Instant, server: bool },
}

/// One admitted attempt. Holds its concurrency place until dropped; report the answer
/// with [`Ticket::observe`] so the shared state learns from it.
pub(crate) struct Ticket<'a> {
    pacer: &'a Pacer,
    _permit: Option<SemaphorePermit<'a>>,
    probe: bool,
}

impl Ticket<'_> {
    /// Learns from the answer (status, budget headers, server-requested wait) and
    /// frees the place; returns the end of the pause a `429` started, if any.
    pub(crate) fn observe(
        mut self,
        status: Option<u16>,
        rate_limit: &RateLimit,
        server_wait: Option<Duration>,
    ) -> Option<Instant> {
        let probe = std::mem::take(&mut self.probe);
        self.pacer.observe(status, rate_limit, server_wait, probe)
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.pacer.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        // A probe dropped unanswered (cancelled, timed out) lets the next one try.
        if self.probe {
            state.probe_in_flight = false;
            drop(state);
            self.pacer.probe_done.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn budget(remaining: u64, reset_in_secs: u64) -> RateLimit {
        let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
        RateLimit {
            limit: None,
            remaining: Some(remaining),
            reset: Some(now + reset_in_secs),
        }
    }

    #[tokio::test]
    async fn a_spent_budget_refuses_when_the_reset_is_beyond_the_cap() {
        let pacer = Pacer::new(PacingConfig::default(), true);
        let ticket = pacer.admit(far(), Duration::from_secs(60), None).await.unwrap();
        ticket.observe(Some(200), &budget(0, 3600), None);
        let refused = pacer.admit(far(), Duration::from_secs(60), None).await.err().unwrap();
        assert!(refused.retry_after > Duration::from_secs(3500), "{refused:?}");
    }

    #[tokio::test]
    async fn a_429_pause_holds_others_but_not_the_call_that_slept_through_it() {
        let pacer = Pacer::new(PacingConfig::default(), false);
        let ticket = pacer.admit(far(), Duration::from_secs(60), None).await.unwrap();
        let pause = ticket.observe(Some(429), &RateLimit::default(), Some(Duration::from_secs(30)));
        assert!(pause.is_some());
        let refused = pacer.admit(far(), Duration::from_secs(10), None).await.err().unwrap();
        assert!(refused.retry_after > Duration::from_secs(29));
        assert!(pacer.admit(far(), Duration::from_secs(10), pause).await.is_ok());
    }

    #[tokio::test]
    async fn a_wait_past_the_deadline_is_refused_at_once() {
        let config = PacingConfig {
            rate: Some((1, Duration::from_secs(10))),
            ..PacingConfig::default()
        };
        let pacer = Pacer::new(config, false);
        drop(pacer.admit(far(), Duration::ZERO, None).await.unwrap());
        let started = std::time::Instant::now();
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(pacer.admit(soon, Duration::ZERO, None).await.is_err());
        assert!(started.elapsed() < Duration::from_millis(40), "refused without waiting");
    }

    #[tokio::test]
    async fn the_same_window_keeps_the_lower_estimate_and_an_older_one_is_ignored() {
        let pacer = Pacer::new(PacingConfig::default(), true);
        let mut state = pacer.state();
        let now = Instant::now();
        learn_budget(&mut state, &budget(10, 5), now, true);
        learn_budget(&mut state, &budget(12, 5), now, false);
        assert!(matches!(state.budget, Budget::Known { remaining: 10, .. }));
        learn_budget(&mut state, &budget(50, 65), now, false);
        assert!(matches!(state.budget, Budget::Known { remaining: 50, .. }));
        learn_budget(&mut state, &budget(3, 5), now, false);
        assert!(matches!(state.budget, Budget::Known { remaining: 50, .. }));
    }
}
