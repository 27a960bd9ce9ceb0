//! End-to-end harness: a real `talkback-server` with the seeded demo, a real headless Chromium
//! driven over WebDriver, and helpers that reach into the widget's open shadow root.
//!
//! `cargo xtask test` builds the bundle and the server and passes their paths in
//! `TALKBACK_DIST` and `TALKBACK_SERVER_BIN`. Without them these tests fail instead of skipping,
//! so a green run always means the browser tests ran.

pub mod api;
pub mod axe;
pub mod cdp;
mod server;

use api::Api;
use fantoccini::elements::{Element, ElementRef};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value as Json, json};
use server::Server;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The demo article's thread key: its canonical URL.
pub const DEMO_KEY: &str = "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban";

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the UI gets to reach an expected state (generous: debug server, 2-core CI machine).
const UI_TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);
/// WebDriver's key for element references in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// Browsers running at once: each Chromium takes a core while the wasm boots.
const MAX_BROWSERS: usize = 2;

/// Script prelude giving `root`, the widget's shadow root (or null before the loader ran).
const ROOT_JS: &str = "const root = document.querySelector('#talkback')?.shadowRoot ?? null;";

/// One test's world: server, chromedriver, browser session, temp files. Everything dies on drop.
pub struct Harness {
    /// The WebDriver session.
    pub client: Client,
    /// Base URL of the server, e.g. `http://127.0.0.1:40123`.
    pub base: String,
    server: Option<Server>,
    /// More instances on the same database (see [`Harness::another_instance`]).
    instances: Vec<Server>,
    /// How the server was started, so it can be started again on the same port.
    launch: Launch,
    driver: Child,
    driver_port: u16,
    _tmp: TempDir,
    _permit: Permit,
}

impl Harness {
    /// Starts a freshly seeded server and a headless Chromium session.
    pub async fn start() -> Harness {
        Harness::start_with(&[]).await
    }

    /// Like [`Harness::start`], passing `server_args` (e.g. `["--edit-window", "5"]`) to the server.
    ///
    /// The server serves the built bundle together with the test pages in `tests/pages/`, so
    /// `/thread.html` and friends sit next to the demo article.
    pub async fn start_with(server_args: &[&str]) -> Harness {
        Harness::start_after(server_args, |_| {}).await
    }

    /// Like [`Harness::start_with`], first running `prepare` with the database path the server
    /// will use (not created yet), e.g. to import an export into it.
    pub async fn start_after(server_args: &[&str], prepare: impl FnOnce(&Path)) -> Harness {
        Harness::launch(None, server_args, prepare).await
    }

    /// Like [`Harness::start_with`] on the given database (a `postgres://` URL that other
    /// instances can share) instead of a fresh SQLite file.
    pub async fn start_on(db: &str, server_args: &[&str]) -> Harness {
        Harness::launch(Some(PathBuf::from(db)), server_args, |_| {}).await
    }

    async fn launch(db: Option<PathBuf>, server_args: &[&str], prepare: impl FnOnce(&Path)) -> Harness {
        let dist = env_path("TALKBACK_DIST");
        let server_bin = env_path("TALKBACK_SERVER_BIN");
        let permit = Permit::acquire();
        let tmp = tempfile::tempdir().expect("a temp dir for the database and browser profile");
        let site = tmp.path().join("site");
        copy_dir(&dist, &site);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages"), &site);

        let db = db.unwrap_or_else(|| tmp.path().join("talkback.db"));
        prepare(&db);
        let server = Server::start(&server_bin, &db, &site, "127.0.0.1:0", server_args)
            .unwrap_or_else(|e| panic!("{e}; run `cargo xtask test`"));
        let launch = Launch { bin: server_bin, db, site, args: server_args.iter().map(|a| (*a).to_owned()).collect() };
        let base = server.url.clone();
        let driver_port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so Drop can end chromedriver and the Chromium it spawned.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {CHROMEDRIVER}: {e}; run `cargo xtask test`"));
        wait_for_port(driver_port);

        let client = browser(driver_port, &tmp.path().join("chromium-profile")).await;
        Harness {
            client,
            base,
            server: Some(server),
            instances: Vec::new(),
            launch,
            driver,
            driver_port,
            _tmp: tmp,
            _permit: permit,
        }
    }

    /// Starts one more server instance on the same database and site, as a second machine
    /// behind a load balancer would be; returns its base URL. It stops with the harness.
    pub fn another_instance(&mut self) -> String {
        let args: Vec<&str> = self.launch.args.iter().map(String::as_str).collect();
        let server = Server::start(&self.launch.bin, &self.launch.db, &self.launch.site, "127.0.0.1:0", &args)
            .unwrap_or_else(|e| panic!("another server instance starts: {e}"));
        let url = server.url.clone();
        self.instances.push(server);
        url
    }

    /// A second, independent browser (its own profile, so its own reader) on the same server,
    /// for tests where two readers look at one thread.
    pub async fn second_browser(&self) -> Client {
        browser(self.driver_port, &self._tmp.path().join("chromium-profile-2")).await
    }

    /// Starts the server again on the same address and database after [`Harness::stop_server`].
    pub fn restart_server(&mut self) {
        self.stop_server();
        let listen = self.base.trim_start_matches("http://").to_owned();
        let args: Vec<&str> = self.launch.args.iter().map(String::as_str).collect();
        let server = Server::start(&self.launch.bin, &self.launch.db, &self.launch.site, &listen, &args)
            .unwrap_or_else(|e| panic!("the server restarts on {listen}: {e}"));
        self.server = Some(server);
    }
}

impl Harness {
    /// A server outage as readers see it: stops the server, runs `work` against a stand-in on
    /// another port over the same database (changes made meanwhile), then starts the server
    /// again on its own port.
    pub async fn outage<T: Send + 'static>(&mut self, work: impl FnOnce(&Api) -> T + Send + 'static) -> T {
        self.stop_server();
        let launch = (self.launch.bin.clone(), self.launch.db.clone(), self.launch.site.clone());
        let args = self.launch.args.clone();
        let result = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let stand_in = Server::start(&launch.0, &launch.1, &launch.2, "127.0.0.1:0", &args)
                .unwrap_or_else(|e| panic!("a stand-in server starts: {e}"));
            let result = work(&Api::new_reader(&stand_in.url));
            drop(stand_in);
            result
        })
        .await
        .unwrap_or_else(|e| panic!("the work during the outage failed: {e}"));
        self.restart_server();
        result
    }
}

/// What [`Harness::restart_server`] needs to start the same server again.
struct Launch {
    bin: PathBuf,
    db: PathBuf,
    site: PathBuf,
    args: Vec<String>,
}

/// A headless Chromium session through the chromedriver on `driver_port`.
async fn browser(driver_port: u16, profile: &Path) -> Client {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--hide-scrollbars", "--window-size=1200,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Json::Object(caps) = caps else { unreachable!("json! of an object literal") };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver accepts a headless Chromium session")
}

impl Harness {
    /// Opens the demo article and waits until the widget has rendered the thread.
    pub async fn open_demo(&self) {
        self.client.goto(&format!("{}/", self.base)).await.expect("the demo page loads");
        self.scroll_to_widget().await;
        self.wait_for_thread().await;
    }

    /// Opens `path` (may carry a query and a `#fragment`) on the server and waits until the
    /// widget has loaded its thread, which may be empty.
    pub async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("{url} loads: {e}"));
        self.scroll_to_widget().await;
        self.wait_js(
            "the widget has loaded its thread (a .tb-count header, no .tb-loading)",
            "return !!root && !!root.querySelector('.tb-count') && !root.querySelector('.tb-loading');",
            vec![],
        )
        .await;
    }

    /// Reloads the page and waits until the widget has rendered the thread again.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("the page reloads");
        self.scroll_to_widget().await;
        self.wait_for_thread().await;
    }

    /// Runs `work` with a fresh API reader off the async runtime (it blocks on plain sockets).
    pub async fn seed<T: Send + 'static>(&self, work: impl FnOnce(&Api) -> T + Send + 'static) -> T {
        let base = self.base.clone();
        tokio::task::spawn_blocking(move || work(&Api::new_reader(&base)))
            .await
            .unwrap_or_else(|e| panic!("seeding through the API failed: {e}"))
    }

    /// Scrolls the widget's element into view: the loader fetches the app only when it is near.
    pub async fn scroll_to_widget(&self) {
        self.js("document.getElementById('talkback')?.scrollIntoView(); return null;", vec![]).await;
    }

    async fn wait_for_thread(&self) {
        self.wait_js(
            "the widget renders the thread (a .tb-count header, no .tb-loading)",
            "return !!root && !!root.querySelector('.tb-count') && !root.querySelector('.tb-loading')
                && !!root.querySelector('article.tb-comment');",
            vec![],
        )
        .await;
    }

    /// Runs `body` in the page with `root` bound to the widget's shadow root.
    pub async fn js(&self, body: &str, args: Vec<Json>) -> Json {
        let script = format!("{ROOT_JS}\n{body}");
        match self.client.execute(&script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\n{script}"),
        }
    }

    /// Polls `body` until it returns something truthy, and returns that.
    pub async fn wait_js(&self, what: &str, body: &str, args: Vec<Json>) -> Json {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let value = self.js(body, args.clone()).await;
            let truthy = !matches!(&value, Json::Null | Json::Bool(false)) && value != json!(0) && value != json!("");
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                let html = self.widget_html().await;
                panic!("timed out after {UI_TIMEOUT:?} waiting until {what}; last value {value}\nwidget: {html}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls `body` until it returns exactly `want`; on timeout the panic shows the last value.
    pub async fn wait_js_eq(&self, what: &str, body: &str, args: Vec<Json>, want: Json) {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let value = self.js(body, args.clone()).await;
            if value == want {
                return;
            }
            if Instant::now() > deadline {
                let html = self.widget_html().await;
                panic!(
                    "timed out after {UI_TIMEOUT:?} waiting until {what}\n  shown: {value}\n wanted: {want}\nwidget: {html}"
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element in the shadow root matching `selector`, as a WebDriver element.
    pub async fn widget(&self, selector: &str) -> Element {
        let found = self
            .wait_js(
                &format!("`{selector}` exists in the widget"),
                "return root && root.querySelector(arguments[0]);",
                vec![json!(selector)],
            )
            .await;
        self.element(found)
    }

    /// The first `selector` inside comment `id` that belongs to that comment itself (not to a reply).
    pub async fn own(&self, id: &str, selector: &str) -> Element {
        let found = self
            .wait_js(
                &format!("comment {id} has its own `{selector}`"),
                "const art = root && root.getElementById('comment-' + arguments[0]);
                 if (!art) return null;
                 return [...art.querySelectorAll(arguments[1])]
                     .find(el => el.closest('article') === art) ?? null;",
                vec![json!(id), json!(selector)],
            )
            .await;
        self.element(found)
    }

    /// Id (without the `comment-` prefix) of the first comment matching `selector`.
    pub async fn comment_id(&self, selector: &str) -> String {
        let id = self
            .wait_js(
                &format!("a comment matches `{selector}`"),
                "return root.querySelector(arguments[0])?.id ?? null;",
                vec![json!(selector)],
            )
            .await;
        let id = id.as_str().unwrap_or_else(|| panic!("the comment matching {selector} has id {id}"));
        id.strip_prefix("comment-").unwrap_or_else(|| panic!("article id {id:?} lacks `comment-`")).to_owned()
    }

    /// `selector` inside the top-level form (the one not inside any comment).
    pub async fn top_form(&self, selector: &str) -> Element {
        let found = self
            .wait_js(
                &format!("the top-level form has `{selector}`"),
                "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
                 return form ? form.querySelector(arguments[0]) : null;",
                vec![json!(selector)],
            )
            .await;
        self.element(found)
    }

    /// Waits until the comment whose own body contains `text` is shown under its stored id (the
    /// optimistic copy shown while posting has another id) and returns that id.
    pub async fn stored_comment(&self, text: &str) -> String {
        let id = self
            .wait_js(
                &format!("the stored comment {text:?} is shown"),
                "const art = [...root.querySelectorAll('article.tb-comment:not(.tb-pending)')].find(a =>
                     [...a.querySelectorAll('.tb-body')].some(b => b.closest('article') === a
                         && b.textContent.includes(arguments[0])));
                 return art ? art.id : null;",
                vec![json!(text)],
            )
            .await;
        id.as_str().and_then(|s| s.strip_prefix("comment-")).expect("an article id comment-ID").to_owned()
    }

    /// Waits for the comment whose own body contains `text` and tells where it is shown.
    pub async fn comment_with(&self, text: &str) -> Shown {
        let found = self
            .wait_js(
                &format!("a comment with body {text:?} is shown"),
                "const art = [...root.querySelectorAll('article.tb-comment')].find(a =>
                     [...a.querySelectorAll('.tb-body')].some(b => b.closest('article') === a
                         && b.textContent.includes(arguments[0])));
                 return art ? [art.id, Number(art.dataset.depth),
                               art.parentElement?.closest('article')?.id ?? null,
                               art.querySelector('.tb-body').textContent] : null;",
                vec![json!(text)],
            )
            .await;
        let article = found[0].as_str().unwrap_or_default();
        Shown {
            id: article.strip_prefix("comment-").unwrap_or(article).to_owned(),
            depth: found[1].as_i64().expect("numeric data-depth"),
            parent: found[2].as_str().map(str::to_owned),
            body: found[3].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// Turns an element returned by a script into a WebDriver element, so input is real input.
    pub fn element(&self, value: Json) -> Element {
        let id = value
            .get(ELEMENT_KEY)
            .and_then(Json::as_str)
            .unwrap_or_else(|| panic!("expected an element from the script, got {value}"));
        Element::from_element_id(self.client.clone(), ElementRef::from(id.to_owned()))
    }

    /// Waits until at least `n` requests ending with `suffix` have completed, so a reload
    /// afterwards sees what the server stored rather than racing the request.
    pub async fn wait_requests(&self, suffix: &str, n: u64) {
        self.wait_js(
            &format!("{n} request(s) to …{suffix} have finished"),
            "return performance.getEntriesByType('resource')
                 .filter(e => new URL(e.name).pathname.endsWith(arguments[0])).length >= arguments[1];",
            vec![json!(suffix), json!(n)],
        )
        .await;
    }

    /// The demo thread's first page as the widget asks for it, sent to an anonymous reader (fetched by the page itself).
    pub async fn api_thread(&self) -> Json {
        let script = "const done = arguments[arguments.length - 1];
            fetch('/api/v1/thread?key=' + encodeURIComponent(arguments[0])
                  + '&limit=' + arguments[1] + '&replies=' + arguments[2])
                .then(r => r.ok ? r.json() : r.text().then(t => ({ http_error: r.status, body: t })))
                .then(done, e => done({ fetch_error: String(e) }));";
        let page = self
            .client
            .execute_async(
                script,
                vec![
                    json!(DEMO_KEY),
                    json!(talkback::backend::talkback::FIRST_PAGE_COMMENTS),
                    json!(talkback::backend::talkback::FIRST_PAGE_REPLIES),
                ],
            )
            .await
            .expect("the thread request runs in the page");
        assert!(page.get("comments").is_some(), "thread API answered {page}");
        page
    }

    /// Stops the server (the page stays open), to test how the widget handles a dead backend.
    pub fn stop_server(&mut self) {
        // Dropping the server kills it and waits for it to exit.
        drop(self.server.take());
    }

    /// The widget's markup, for failure messages.
    pub async fn widget_html(&self) -> String {
        let script = format!("{ROOT_JS} return root ? root.innerHTML : '(no shadow root)';");
        match self.client.execute(&script, vec![]).await {
            Ok(Json::String(s)) => s.chars().take(4000).collect(),
            other => format!("{other:?}"),
        }
    }
}

/// A comment as shown in the widget.
pub struct Shown {
    /// Comment id (the article's id without `comment-`).
    pub id: String,
    /// Its `data-depth`.
    pub depth: i64,
    /// The `id` attribute of the article it sits in (its parent comment), if any.
    pub parent: Option<String>,
    /// Text of its body.
    pub body: String,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop_server();
        // The whole process group: chromedriver and the browser it started. Called directly,
        // not through kill(1), whose argument parsing can turn a negative pid into -1 (everyone).
        if let Ok(pgid) = libc::pid_t::try_from(self.driver.id())
            && pgid > 1
        {
            // SAFETY: killpg only sends a signal; the group is the one we created at spawn.
            unsafe { libc::killpg(pgid, libc::SIGKILL) };
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn env_path(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => panic!("{var} is not set: the end-to-end tests need the built bundle and server; run `cargo xtask test`"),
    }
}

/// Copies the files under `from` into `to` (created as needed), keeping the tree's shape.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("list {}: {e}", from.display()));
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free local port");
    listener.local_addr().expect("local address").port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + START_TIMEOUT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on port {port}");
        std::thread::sleep(POLL);
    }
}

/// A slot among [`MAX_BROWSERS`]; tests run in parallel threads and wait here for a free one.
struct Permit;

static SLOTS: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Permit {
    fn acquire() -> Permit {
        let (lock, freed) = &SLOTS;
        let mut used = lock.lock().unwrap_or_else(|p| p.into_inner());
        while *used >= MAX_BROWSERS {
            used = freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += 1;
        Permit
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let (lock, freed) = &SLOTS;
        let mut used = lock.lock().unwrap_or_else(|p| p.into_inner());
        *used -= 1;
        freed.notify_one();
    }
}
