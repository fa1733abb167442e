//! Streams over paginated operations: pages, and the items inside them.
//!
//! Generated request builders of paginated operations expose `pages()` and `items()`;
//! both keep every filter the caller set and only replace the cursor parameters,
//! stopping when the response says there is nothing more.

use futures_util::stream::{self, StreamExt};
use std::future::Future;
use std::pin::Pin;

pub use futures_core::Stream;

/// A boxed future returned by a page fetch.
pub type PageFuture<'a, P, E> = Pin<Box<dyn Future<Output = Result<P, E>> + Send + 'a>>;

/// Streams pages: fetches with `fetch`, then asks `next` for the request of the
/// following page (`None` ends the stream). An error is yielded once and ends it.
pub fn pages<'a, B, P, E>(
    first: B,
    fetch: impl Fn(B) -> PageFuture<'a, P, E> + Send + 'a,
    next: impl Fn(B, &P) -> Option<B> + Send + 'a,
) -> impl Stream<Item = Result<P, E>> + Send + 'a
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
{
    stream::unfold((Some(first), fetch, next), |(state, fetch, next)| async move {
        let request = state?;
        let kept = request.clone();
        match fetch(request).await {
            Ok(page) => {
                let following = next(kept, &page);
                Some((Ok(page), (following, fetch, next)))
            }
            Err(error) => Some((Err(error), (None, fetch, next))),
        }
    })
}

/// Flattens a stream of pages into a stream of their items.
pub fn items<'a, P, T, E>(
    pages: impl Stream<Item = Result<P, E>> + Send + 'a,
    extract: impl Fn(P) -> Vec<T> + Send + 'a,
) -> impl Stream<Item = Result<T, E>> + Send + 'a
where
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    pages.flat_map(move |page| {
        let batch: Vec<Result<T, E>> = match page {
            Ok(page) => extract(page).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(batch)
    })
}

/// Converts a cursor value read from a response into the request parameter's type
/// when the two differ (for example an integer sequence number); `None` stops paging.
pub fn convert<F: serde::Serialize, T: serde::de::DeserializeOwned>(value: &F) -> Option<T> {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| serde_json::from_value(value).ok())
}
