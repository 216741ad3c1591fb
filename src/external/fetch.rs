//! Asking servers whether URLs work, or downloading them: a pool of
//! threads, at most a few requests to one host at a time, a deadline per
//! request and retries with a growing pause for failures that may pass
//! (timeouts, refused or reset connections, 429 and 5xx answers).

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// How to ask.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Deadline of one request, redirects included.
    pub timeout: Duration,
    /// Further tries after a failure that may pass.
    pub retries: u32,
    /// The pause before the first retry; it doubles for each next one.
    pub backoff: Duration,
}

/// What asking for one URL came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer, after any redirects.
    Ok,
    /// Anything else, said in a few words (`404 Not Found`, `timed out after 10 s`).
    Failed(String),
}

/// One try's result: whether to try again.
enum Attempt<T> {
    Done(Result<T, String>),
    Retry(String),
}

/// Checks every URL of `urls` and returns the outcomes in the same order.
pub fn fetch_all(urls: &[String], options: &FetchOptions) -> Vec<Outcome> {
    let agent = agent(options, "link check");
    for_each_url(urls, options, |url| {
        match with_retries(options, || attempt(&agent, url, options, |_| Ok(()))) {
            Ok(()) => Outcome::Ok,
            Err(reason) => Outcome::Failed(reason),
        }
    })
    .into_iter()
    .map(|outcome| outcome.unwrap_or_else(|| Outcome::Failed("not checked".to_owned())))
    .collect()
}

/// A file downloaded by [`download_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The body.
    pub bytes: Vec<u8>,
    /// The `Content-Type` the server gave, without parameters.
    pub content_type: Option<String>,
}

/// Downloads every URL of `urls`, each body at most `limit` bytes, with the
/// same limits, deadlines and retries as [`fetch_all`]; the results are in
/// the same order, a failure said in a few words.
pub fn download_all(
    urls: &[String],
    options: &FetchOptions,
    limit: u64,
) -> Vec<Result<Download, String>> {
    let agent = agent(options, "vendor-images");
    let read = |response: &mut ureq::http::Response<ureq::Body>| {
        let content_type = response.body().mime_type().map(str::to_owned);
        match response.body_mut().with_config().limit(limit).read_to_vec() {
            Ok(bytes) => Ok(Download {
                bytes,
                content_type,
            }),
            Err(ureq::Error::BodyExceedsLimit(_)) => Err(Attempt::Done(Err(format!(
                "it is larger than {} MB",
                limit / 1_000_000
            )))),
            Err(error) => Err(Attempt::Retry(format!("the download broke off ({error})"))),
        }
    };
    for_each_url(urls, options, |url| {
        with_retries(options, || attempt(&agent, url, options, read))
    })
    .into_iter()
    .map(|result| result.unwrap_or_else(|| Err("not downloaded".to_owned())))
    .collect()
}

/// Runs `work` on every URL on a pool of threads, at most
/// `options.per_host` at once for one host; the results in URL order.
fn for_each_url<T: Send>(
    urls: &[String],
    options: &FetchOptions,
    work: impl Fn(&str) -> T + Sync,
) -> Vec<Option<T>> {
    let queue = Queue::new(urls, options.per_host.max(1));
    let results = Mutex::new((0..urls.len()).map(|_| None).collect::<Vec<_>>());
    let workers = options.concurrency.clamp(1, urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((index, host)) = queue.next() {
                    let result = work(&urls[index]);
                    queue.done(&host);
                    results.lock().unwrap_or_else(PoisonError::into_inner)[index] = Some(result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// The HTTP client: redirects followed (up to 10), statuses read rather
/// than turned into errors, proxies taken from the environment.
fn agent(options: &FetchOptions, purpose: &str) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(format!(
            "offboard-site/{} ({purpose})",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .new_agent()
}

/// Tries again after failures that may pass, with a growing pause.
fn with_retries<T>(
    options: &FetchOptions,
    mut attempt: impl FnMut() -> Attempt<T>,
) -> Result<T, String> {
    let mut pause = options.backoff;
    let mut tries = 0;
    loop {
        match attempt() {
            Attempt::Done(result) => return result,
            Attempt::Retry(reason) if tries >= options.retries => {
                let after = if tries == 0 {
                    String::new()
                } else {
                    format!(" (tried {} times)", tries + 1)
                };
                return Err(format!("{reason}{after}"));
            }
            Attempt::Retry(_) => {
                std::thread::sleep(pause);
                pause = pause.saturating_mul(2);
                tries += 1;
            }
        }
    }
}

/// One GET request (HEAD is refused or mishandled by too many servers);
/// a 2xx answer is handed to `read` (which may read the body).
fn attempt<T>(
    agent: &ureq::Agent,
    url: &str,
    options: &FetchOptions,
    read: impl Fn(&mut ureq::http::Response<ureq::Body>) -> Result<T, Attempt<T>>,
) -> Attempt<T> {
    match agent.get(url).call() {
        Ok(mut response) => {
            let status = response.status();
            let text = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_owned();
            if status.is_success() {
                match read(&mut response) {
                    Ok(value) => Attempt::Done(Ok(value)),
                    Err(attempt) => attempt,
                }
            } else if status.as_u16() == 429 || status.is_server_error() {
                Attempt::Retry(text)
            } else if status.is_redirection() {
                Attempt::Done(Err(format!(
                    "{text} (more than 10 redirects, or one without a `Location`)"
                )))
            } else {
                Attempt::Done(Err(text))
            }
        }
        Err(ureq::Error::Timeout(_)) => Attempt::Retry(format!(
            "no answer within {} s",
            options.timeout.as_secs_f64()
        )),
        Err(ureq::Error::TooManyRedirects) => {
            Attempt::Done(Err("more than 10 redirects".to_owned()))
        }
        Err(ureq::Error::HostNotFound) => {
            Attempt::Done(Err("the host name does not resolve".to_owned()))
        }
        Err(error @ (ureq::Error::BadUri(_) | ureq::Error::Http(_))) => {
            Attempt::Done(Err(format!("not a valid URL ({error})")))
        }
        Err(error) => Attempt::Retry(error.to_string()),
    }
}

/// The host part of a URL, lower-cased: what the per-host limit counts.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host.to_ascii_lowercase()
}

/// The URLs still to ask, and how many requests each host has in flight.
struct Queue {
    state: Mutex<QueueState>,
    changed: Condvar,
    per_host: usize,
}

struct QueueState {
    pending: VecDeque<(usize, String)>,
    in_flight: HashMap<String, usize>,
}

impl Queue {
    fn new(urls: &[String], per_host: usize) -> Self {
        Self {
            state: Mutex::new(QueueState {
                pending: urls
                    .iter()
                    .enumerate()
                    .map(|(index, url)| (index, host_of(url)))
                    .collect(),
                in_flight: HashMap::new(),
            }),
            changed: Condvar::new(),
            per_host,
        }
    }

    /// The next URL whose host is below its limit, waiting while every
    /// pending URL's host is at it; `None` when none is left.
    fn next(&self) -> Option<(usize, String)> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if state.pending.is_empty() {
                return None;
            }
            let free = state.pending.iter().position(|(_, host)| {
                state.in_flight.get(host).copied().unwrap_or(0) < self.per_host
            });
            if let Some(at) = free {
                let (index, host) = state.pending.remove(at)?;
                *state.in_flight.entry(host.clone()).or_insert(0) += 1;
                return Some((index, host));
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A request to `host` has finished.
    fn done(&self, host: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = state.in_flight.get_mut(host) {
            *count = count.saturating_sub(1);
        }
        drop(state);
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_compared_without_case_user_or_path() {
        assert_eq!(
            host_of("https://User@Docs.Example:8080/a?b#c"),
            "docs.example:8080"
        );
        assert_eq!(host_of("http://example.com"), "example.com");
    }

    #[test]
    fn the_queue_holds_a_busy_host_back() {
        let urls: Vec<String> = ["http://a/1", "http://a/2", "http://b/1"]
            .map(str::to_owned)
            .to_vec();
        let queue = Queue::new(&urls, 1);
        assert_eq!(queue.next(), Some((0, "a".to_owned())));
        assert_eq!(queue.next(), Some((2, "b".to_owned())), "a is at its limit");
        queue.done("a");
        assert_eq!(queue.next(), Some((1, "a".to_owned())));
        assert_eq!(queue.next(), None);
    }
}
