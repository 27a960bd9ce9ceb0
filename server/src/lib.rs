//! Talkback reference server: protocol v1 over HTTP, backed by SQLite.
//!
//! `main.rs` only parses flags and calls [`serve`]; tests call [`start`] to run the same stack
//! in-process on a free port.

pub mod admin;
pub mod abuse;
pub mod cli;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod cursor;
pub mod error;
pub mod extract;
pub mod guard;
pub mod identity;
pub mod ids;
pub mod live;
pub mod notify;
pub mod order;
pub mod pages;
pub mod present;
pub mod render;
pub mod routes;
pub mod seed;
pub mod seed_data;
pub mod sso;
pub mod statics;
pub mod store;
pub mod transfer;
pub mod tree;
pub mod writes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::response::IntoResponse;
use axum::routing::{any, get, patch, post, put};
use talkback_protocol::limits::REQUEST_MAX_BYTES;
use talkback_protocol::routes as paths;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;
use error::AppError;
use store::{Store, StoreError};

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    /// Where everything is kept.
    pub store: Arc<dyn Store>,
    /// The installation's secret (salts avatar seeds).
    pub secret: Arc<str>,
    /// How long after posting a comment may be edited or deleted, in seconds.
    pub edit_window_secs: u64,
    /// Open live-update streams: their limit, and the signal that ends them at shutdown.
    pub live: Arc<live::Hub>,
    /// Rate limits and content rules against spam and vote farming.
    pub abuse: Arc<abuse::Guard>,
    /// Checks the site's sign-in tokens; `None` without `--sso-secret-file`.
    pub sso: Option<Arc<sso::Verifier>>,
    /// Reply notifications by mail; `None` without `--smtp-url`.
    pub notify: Option<Arc<notify::Notifier>>,
}

impl AppState {
    /// Wraps a store, loading its secret.
    pub async fn new(store: Arc<dyn Store>, edit_window_secs: u64) -> Result<Self, StoreError> {
        let secret = store.instance_secret().await?;
        Ok(AppState {
            store,
            secret: secret.into(),
            edit_window_secs,
            live: Arc::new(live::Hub::new(live::MAX_STREAMS_DEFAULT)),
            abuse: Arc::new(abuse::Guard::off()),
            sso: None,
            notify: None,
        })
    }

    /// How `reader` sees comments right now.
    pub fn viewer(&self, reader: Option<store::ReaderId>) -> present::Viewer {
        present::Viewer {
            reader,
            now: clock::now_micros(),
            window_secs: self.edit_window_secs,
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug)]
pub enum ServerError {
    /// A flag has a value that cannot work; the text says which and why.
    Config(String),
    /// The database could not be opened or migrated.
    Store(StoreError),
    /// Demo seeding failed.
    Seed(seed::SeedError),
    /// The listen address could not be bound.
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// Serving failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Config(m) => f.write_str(m),
            ServerError::Store(e) => write!(f, "database: {e}"),
            ServerError::Seed(e) => write!(f, "{e}"),
            ServerError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            ServerError::Io(e) => write!(f, "server error: {e}"),
        }
    }
}

impl std::error::Error for ServerError {}

/// Checks `--allow-origin` values: exact browser origins, no paths or wildcards.
fn origins(raw: &[String]) -> Result<Vec<HeaderValue>, ServerError> {
    raw.iter()
        .map(|o| {
            let o = o.trim();
            let rest = o.strip_prefix("http://").or_else(|| o.strip_prefix("https://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains('/') => HeaderValue::from_str(o)
                    .map_err(|_| ServerError::Config(format!("--allow-origin {o}: not a valid header value"))),
                _ => Err(ServerError::Config(format!(
                    "--allow-origin {o}: give an exact origin like https://news.example.com (scheme and host, no path or trailing slash)"
                ))),
            }
        })
        .collect()
}

/// The whole HTTP application: API, CORS, static files (when configured) and JSON fallbacks.
pub fn app(state: AppState, config: &Config) -> Result<Router, ServerError> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins(&config.allow_origins)?))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        // Browsers send Last-Event-ID when they reconnect an EventSource by themselves.
        .allow_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            HeaderName::from_static("last-event-id"),
            HeaderName::from_static(sso::HEADER),
        ])
        // The widget reads the wait from the JSON body; other clients may prefer the header.
        .expose_headers([axum::http::header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route(paths::READERS, post(routes::create_reader))
        .route(paths::THREAD, get(routes::get_thread))
        .route(paths::COMMENTS, post(routes::post_comment))
        .route(paths::REPLIES, get(routes::get_replies))
        .route(paths::VOTE, put(routes::put_vote))
        .route(paths::COUNTS, post(routes::post_counts))
        .route(
            paths::COMMENT,
            patch(writes::edit_comment).delete(writes::delete_comment),
        )
        .route(paths::CONTEXT, get(routes::get_context))
        .route(paths::PREVIEW, post(writes::preview))
        .route(paths::EVENTS, get(live::events))
        .merge(admin::routes())
        .route(notify::CONFIRM_PATH, get(notify::pages::confirm))
        .route(
            notify::UNSUBSCRIBE_PATH,
            get(notify::pages::unsubscribe_link).post(notify::pages::unsubscribe_one_click),
        )
        .route("/api", any(routes::not_found))
        .route("/api/{*rest}", any(routes::not_found))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(REQUEST_MAX_BYTES))
        .with_state(state);
    let router = match &config.static_dir {
        Some(dir) if dir.is_dir() => api.fallback_service(statics::router(dir)),
        Some(dir) => {
            return Err(ServerError::Config(format!(
                "--static {}: no such directory",
                dir.display()
            )));
        }
        None => api.fallback(routes::not_found),
    };
    Ok(router
        .layer(cors)
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::Internal("a request handler panicked".to_owned()).into_response()
        })))
}

/// A server running in the background.
pub struct Running {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    /// Background work that lives as long as the server (the mail sender).
    background: Vec<tokio::task::AbortHandle>,
}

impl Running {
    /// Stops accepting, lets open requests finish and waits for the server to end.
    pub async fn stop(self) -> Result<(), ServerError> {
        // The receiver is gone only if the server already ended; then there is nothing to stop.
        let _ = self.shutdown.send(());
        for job in &self.background {
            job.abort();
        }
        finished(self.task.await)
    }

    /// Serves until `signal` resolves (then stops gracefully) or the server fails.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), ServerError> {
        let Running {
            shutdown,
            mut task,
            background,
            ..
        } = self;
        let _stop_background = AbortAll(background);
        let ended = tokio::select! {
            () = signal => None,
            result = &mut task => Some(result),
        };
        match ended {
            Some(result) => finished(result),
            None => {
                let _ = shutdown.send(());
                finished(task.await)
            }
        }
    }
}

/// Ends background jobs when dropped, however serving ended.
struct AbortAll(Vec<tokio::task::AbortHandle>);

impl Drop for AbortAll {
    fn drop(&mut self) {
        for job in &self.0 {
            job.abort();
        }
    }
}

fn finished(
    result: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> Result<(), ServerError> {
    match result {
        Ok(served) => served.map_err(ServerError::Io),
        Err(e) => Err(ServerError::Io(std::io::Error::other(e))),
    }
}

/// Opens the database, seeds if asked, binds and starts serving in the background.
pub async fn start(config: &Config) -> Result<Running, ServerError> {
    let store = store::open_with_ca(&config.db, config.db_ca_file.as_deref())
        .await
        .map_err(ServerError::Store)?;
    if let Some(mode) = config.moderation {
        store
            .set_moderation_mode(mode, None)
            .await
            .map_err(ServerError::Store)?;
    }
    if config.demo_moderator {
        let made = admin::auth::ensure_demo_moderator(store.as_ref())
            .await
            .map_err(|e| ServerError::Config(format!("--demo-moderator: {e}")))?;
        if made {
            eprintln!(
                "talkback-server: demo moderator `{}` created (password in the README; demo only)",
                admin::auth::DEMO_NAME
            );
        }
    }
    if config.seed_demo {
        let written = seed::seed_demo(store.as_ref())
            .await
            .map_err(ServerError::Seed)?;
        if written > 0 {
            eprintln!("talkback-server: seeded the demo thread with {written} comments");
        }
    }
    let state = AppState::new(store, config.edit_window)
        .await
        .map_err(ServerError::Store)?;
    let guard = abuse::Guard::new(config.abuse.clone()).map_err(ServerError::Config)?;
    let mut state = AppState {
        abuse: Arc::new(guard),
        ..state
    };
    if let Some(path) = &config.sso_secret_file {
        let verifier = sso::Verifier::from_file(path).map_err(|e| {
            ServerError::Config(format!("--sso-secret-file {}: {e}", path.display()))
        })?;
        state.sso = Some(Arc::new(verifier));
    }
    if let Some(notifier) = notify::Notifier::from_config(config).map_err(ServerError::Config)? {
        state.notify = Some(Arc::new(notifier));
    }
    let mailer = state.notify.clone().map(|n| (Arc::clone(&state.store), n));
    let live = Arc::clone(&state.live);
    let router = app(state, config)?;
    let listener = TcpListener::bind(&config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
    let addr = listener.local_addr().map_err(ServerError::Io)?;
    // Started once serving is certain, so a failed start leaves nothing running.
    let background = mailer
        .map(|(store, n)| notify::sender::spawn(store, n).abort_handle())
        .into_iter()
        .collect();
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // Peer addresses are kept with comments for address bans (guard.rs).
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
            // Graceful shutdown waits for open responses; live streams never end by themselves.
            live.close_all();
        })
        .await
    });
    Ok(Running {
        addr,
        shutdown,
        task,
        background,
    })
}

/// Runs the server until Ctrl-C or SIGTERM, printing `talkback-server listening on http://ADDR`
/// once it accepts connections.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let running = start(&config).await?;
    println!("talkback-server listening on http://{}", running.addr);
    running.run_until(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
