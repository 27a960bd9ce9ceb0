//! How many event streams are open, and the signal that ends them all at shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::watch;

/// Open streams of one process over this many are refused with 503: each holds a connection
/// and a task, and a server should not run out of file descriptors for ordinary requests.
pub const MAX_STREAMS_DEFAULT: usize = 10_000;

/// Shared by every stream of one server process.
#[derive(Debug)]
pub struct Hub {
    open: Arc<AtomicUsize>,
    max: usize,
    closing: watch::Sender<bool>,
}

/// A place among the open streams; given back when dropped.
#[derive(Debug)]
pub struct Permit {
    open: Arc<AtomicUsize>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Hub {
    /// A hub admitting at most `max` streams at once.
    pub fn new(max: usize) -> Self {
        Hub {
            open: Arc::new(AtomicUsize::new(0)),
            max,
            closing: watch::channel(false).0,
        }
    }

    /// A place for one more stream, or `None` when `max` are open.
    pub fn admit(&self) -> Option<Permit> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Permit {
                open: Arc::clone(&self.open),
            })
    }

    /// Streams open right now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    /// Ends every stream, now and any opened later; graceful shutdown waits for open responses,
    /// so without this an open stream would keep the server from stopping.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Hub::close_all`] was called.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            // An error means the hub is gone, which also ends the stream.
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_the_limit_and_takes_places_back() {
        let hub = Hub::new(2);
        let a = hub.admit().expect("first");
        let _b = hub.admit().expect("second");
        assert!(hub.admit().is_none());
        drop(a);
        assert_eq!(hub.open(), 1);
        assert!(hub.admit().is_some());
    }

    #[tokio::test]
    async fn closing_wakes_streams_opened_before_and_after() {
        let hub = Hub::new(1);
        let before = hub.closed();
        hub.close_all();
        before.await;
        hub.closed().await;
    }
}
