//! The tables `migrate` copies row for row with one generic loop: moderation, identity and
//! notification state, and which SQLite tables it leaves behind on purpose.
//!
//! Every copy pages through the SQLite table in primary-key order and writes each page with
//! one `INSERT … SELECT FROM UNNEST(arrays)` that skips keys already in the target, so a second
//! run adds nothing.

use rusqlite::Connection;
use rusqlite::types::Value;
use tokio_postgres::types::ToSql;

use super::{BATCH, insert, same_site, sqlite_err};
use crate::store::StoreError;

/// How a column is typed in PostgreSQL (SQLite keeps booleans as integers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `BIGINT` (also fits `INTEGER` columns by assignment cast).
    Int,
    /// `TEXT`.
    Text,
    /// `BOOLEAN`, stored as 0/1 in SQLite.
    Bool,
}

/// One table copied by [`copy_table`].
pub(super) struct Table {
    /// Same name in both databases.
    pub name: &'static str,
    /// Columns in order, with their PostgreSQL kind.
    pub columns: &'static [(&'static str, Kind)],
    /// The primary key: the reading order, and what makes a row "already there".
    pub key: &'static [&'static str],
    /// Columns that must also match for a row already in the target to be this same row; a
    /// mismatch means the target holds another site's data and the copy stops. Empty when the
    /// key says it all.
    pub same: &'static [&'static str],
    /// Only rows matching this SQLite condition are copied; `?1` is now (µs).
    pub only: Option<&'static str>,
    /// Serial id column whose sequence must move past the copied ids.
    pub serial: Option<&'static str>,
}

use Kind::{Bool, Int, Text};

/// The tables copied generically, in an order that respects their references (comments and
/// readers are copied before these).
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "moderators",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("password_hash", Text),
            ("role", Text),
            ("created_at", Int),
        ],
        key: &["id"],
        // A moderator already there under this id must be the same person: sessions and the
        // audit trail refer to the id.
        same: &["name"],
        only: None,
        serial: Some("id"),
    },
    Table {
        name: "mod_sessions",
        columns: &[
            ("token_hash", Text),
            ("moderator_id", Int),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        key: &["token_hash"],
        same: &[],
        // Sessions still running are copied so that moderators are not signed out by the move;
        // expired ones are refused anyway and would only be pruned later.
        only: Some("expires_at > ?1"),
        serial: None,
    },
    Table {
        name: "reports",
        columns: &[
            ("comment_id", Text),
            ("reader_id", Int),
            ("reason", Text),
            ("note", Text),
            ("created_at", Int),
            ("dismissed", Bool),
        ],
        key: &["comment_id", "reader_id"],
        same: &[],
        only: None,
        serial: None,
    },
    Table {
        name: "bans",
        columns: &[
            ("id", Int),
            ("kind", Text),
            ("reader_id", Int),
            ("comment_id", Text),
            ("ip_range", Text),
            ("range_shown", Bool),
            ("created_by", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("reason", Text),
            ("lifted_at", Int),
        ],
        key: &["id"],
        same: &["kind", "created_at"],
        // Expired and lifted bans are copied too: the Bans screen and the audit trail name
        // them, and they cost nothing.
        only: None,
        serial: Some("id"),
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("moderator", Text),
            ("action", Text),
            ("target_kind", Text),
            ("target", Text),
            ("detail", Text),
            ("reason", Text),
            ("created_at", Int),
        ],
        key: &["id"],
        same: &["action", "created_at"],
        only: None,
        serial: Some("id"),
    },
    Table {
        name: "notify_addresses",
        columns: &[
            ("email", Text),
            ("confirm_token", Text),
            ("unsubscribe_token", Text),
            ("created_at", Int),
            ("confirm_sent_at", Int),
            ("confirmed_at", Int),
            ("unsubscribed_at", Int),
        ],
        key: &["email"],
        same: &[],
        only: None,
        serial: None,
    },
    Table {
        name: "notify_outbox",
        columns: &[
            ("id", Int),
            ("recipient", Text),
            ("subject", Text),
            ("body", Text),
            ("unsubscribe_url", Text),
            ("created_at", Int),
            ("next_try_at", Int),
            ("attempts", Int),
            ("sent_at", Int),
            ("failed_at", Int),
            ("last_error", Text),
        ],
        key: &["id"],
        same: &["recipient", "created_at"],
        // Sent and failed mails are copied with the waiting ones: they are the record of what
        // went out, and a mail still waiting must not be lost by the move.
        only: None,
        serial: Some("id"),
    },
];

/// SQLite tables that are deliberately not copied, and why.
pub(super) const NOT_COPIED: &[(&str, &str)] = &[
    (
        "limit_counters",
        "abuse-limit windows last seconds to an hour and describe traffic to the old server, \
         which is stopped for the move; they start again from zero",
    ),
    ("limit_marks", "duplicate-post marks live for seconds"),
    (
        "sign_in_failures",
        "failed sign-ins only slow password guessing for a day; the table has no key, so \
         copying it again would count every failure twice",
    ),
];

/// One column's values for a page, as PostgreSQL arrays.
enum Values {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    fn new(kind: Kind) -> Self {
        match kind {
            Int => Values::Int(Vec::new()),
            Text => Values::Text(Vec::new()),
            Bool => Values::Bool(Vec::new()),
        }
    }

    fn push(&mut self, table: &str, column: &str, v: Value) -> Result<(), StoreError> {
        let expected = match self {
            Values::Int(_) => "an integer",
            Values::Text(_) => "a text",
            Values::Bool(_) => "a boolean",
        };
        let wrong = |v: &Value| {
            StoreError::Database(format!(
                "cannot copy {table}.{column}: the SQLite file holds {v:?} where the schema has \
                 {expected} column; the file may be damaged"
            ))
        };
        match (self, v) {
            (Values::Int(out), Value::Null) => out.push(None),
            (Values::Int(out), Value::Integer(i)) => out.push(Some(i)),
            (Values::Text(out), Value::Null) => out.push(None),
            (Values::Text(out), Value::Text(s)) => out.push(Some(s)),
            (Values::Bool(out), Value::Null) => out.push(None),
            (Values::Bool(out), Value::Integer(i)) => out.push(Some(i != 0)),
            (_, other) => return Err(wrong(&other)),
        }
        Ok(())
    }

    fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Values::Int(v) => v,
            Values::Text(v) => v,
            Values::Bool(v) => v,
        }
    }
}

fn pg_type(kind: Kind) -> &'static str {
    match kind {
        Int => "BIGINT[]",
        Text => "TEXT[]",
        Bool => "BOOLEAN[]",
    }
}

/// The PostgreSQL statement writing one page of `t`.
fn insert_sql(t: &Table) -> String {
    let names: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
    let arrays: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| format!("${}::{}", i + 1, pg_type(*kind)))
        .collect();
    let action = match t.same.first() {
        None => "NOTHING".to_owned(),
        // The no-op update makes a matching row count as written, so a short count means a
        // row of another site sits under the same key.
        Some(first) => {
            let matches: Vec<String> = t
                .same
                .iter()
                .map(|c| format!("{}.{c} IS NOT DISTINCT FROM excluded.{c}", t.name))
                .collect();
            format!(
                "UPDATE SET {first} = excluded.{first} WHERE {}",
                matches.join(" AND ")
            )
        }
    };
    format!(
        "INSERT INTO {} ({}) SELECT * FROM UNNEST({}) ON CONFLICT ({}) DO {action}",
        t.name,
        names.join(", "),
        arrays.join(", "),
        t.key.join(", "),
    )
}

/// Copies the rows of `t` that the target does not hold yet.
pub(super) async fn copy_table(
    src: &Connection,
    client: &tokio_postgres::Client,
    t: &Table,
    now: i64,
) -> Result<(), StoreError> {
    let names: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
    let key_at: Vec<usize> = t
        .key
        .iter()
        .filter_map(|k| names.iter().position(|n| n == k))
        .collect();
    let order = t.key.join(", ");
    let write = insert_sql(t);
    let mut last: Option<Vec<Value>> = None;
    loop {
        let mut conditions = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(only) = t.only {
            // Numbered so the condition can use ?1 however many keys follow.
            params.push(Value::Integer(now));
            conditions.push(only.to_owned());
        }
        if let Some(last) = &last {
            let first = params.len() + 1;
            let marks: Vec<String> = (first..first + last.len())
                .map(|i| format!("?{i}"))
                .collect();
            conditions.push(format!("({order}) > ({})", marks.join(", ")));
            params.extend(last.iter().cloned());
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {} FROM {} {filter} ORDER BY {order} LIMIT {BATCH}",
            names.join(", "),
            t.name,
        );
        let mut stmt = src.prepare(&sql).map_err(sqlite_err)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(sqlite_err)?;
        let mut cols: Vec<Values> = t.columns.iter().map(|(_, k)| Values::new(*k)).collect();
        let mut page_last = None;
        while let Some(r) = rows.next().map_err(sqlite_err)? {
            let mut values = Vec::with_capacity(names.len());
            for i in 0..names.len() {
                values.push(r.get::<_, Value>(i).map_err(sqlite_err)?);
            }
            page_last = Some(
                key_at
                    .iter()
                    .filter_map(|&i| values.get(i).cloned())
                    .collect::<Vec<_>>(),
            );
            for ((name, _), (col, v)) in t.columns.iter().zip(cols.iter_mut().zip(values)) {
                col.push(t.name, name, v)?;
            }
        }
        let Some(page_last) = page_last else { break };
        last = Some(page_last);
        let sent = cols.first().map_or(0, Values::len);
        let params: Vec<&(dyn ToSql + Sync)> = cols.iter().map(Values::as_sql).collect();
        let stored = insert(client, t.name, &write, &params).await?;
        if !t.same.is_empty() {
            same_site(t.name, stored, sent)?;
        }
    }
    Ok(())
}

/// Moves the id sequences of the serial columns past the copied ids.
pub(super) fn sequence_fixes() -> String {
    TABLES
        .iter()
        .filter_map(|t| t.serial.map(|c| (t.name, c)))
        .chain([("readers", "id"), ("threads", "id")])
        .map(|(table, col)| {
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{col}'),
                               (SELECT COALESCE(MAX({col}), 0) + 1 FROM {table}), false);"
            )
        })
        .collect()
}
