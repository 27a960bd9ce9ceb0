//! Wakeups across instances: a dedicated connection LISTENs on the channel every write
//! NOTIFYs, and turns each notification into a [`Wakeup`] on a local broadcast channel.

use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{connect_error, db_error};
use crate::store::{StoreError, Wakeup};

/// The notification channel; the payload is the thread id in decimal.
pub(super) const CHANNEL: &str = "talkback_events";

/// Longest wait between two reconnection attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// A listening connection: the client must stay alive for the connection to stay open.
pub(super) struct Listening {
    _client: Client,
    notes: mpsc::UnboundedReceiver<Wakeup>,
}

/// Opens a connection and LISTENs; notifications arrive on the returned receiver until the
/// connection breaks, and then the receiver ends.
pub(super) async fn connect(
    config: &tokio_postgres::Config,
    tls: &MakeRustlsConnect,
) -> Result<Listening, StoreError> {
    let (client, mut connection) = config
        .connect(tls.clone())
        .await
        .map_err(|e| connect_error(config, "cannot open the LISTEN connection", &e))?;
    let (send, notes) = mpsc::unbounded_channel();
    // The connection only makes progress while polled; this task polls it and forwards what
    // it hears. It ends when the connection does, which closes the receiver.
    tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    let wake = n.payload().parse().map_or(Wakeup::All, Wakeup::Thread);
                    if send.send(wake).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    eprintln!(
                        "talkback-server: PostgreSQL LISTEN connection lost: {}",
                        super::describe(&e)
                    );
                    return;
                }
                None => return,
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(|e| db_error("cannot LISTEN for events", &e))?;
    Ok(Listening {
        _client: client,
        notes,
    })
}

/// Forwards notifications for as long as the store lives; after the connection breaks it
/// reconnects with a growing pause and sends [`Wakeup::All`], since notifications sent in
/// between were lost.
pub(super) async fn run(
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    mut listening: Listening,
    wake: broadcast::Sender<Wakeup>,
) {
    loop {
        while let Some(w) = listening.notes.recv().await {
            // Having no subscriber right now is fine.
            let _ = wake.send(w);
        }
        let mut pause = Duration::from_millis(100);
        listening = loop {
            tokio::time::sleep(pause).await;
            match connect(&config, &tls).await {
                Ok(l) => break l,
                Err(e) => {
                    eprintln!("talkback-server: {e}; retrying in {pause:?}");
                    pause = (pause * 2).min(BACKOFF_MAX);
                }
            }
        };
        let _ = wake.send(Wakeup::All);
    }
}
