//! Keeps `docs/protocol.md` in step with `protocol/openapi.yaml`: every route and method with
//! its parameters and statuses, every object with exactly its fields, every error code with its
//! status and every limit with its value must be in the guide.

use serde_json::Value;
use talkback_protocol::ErrorCode;

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "options", "head"];

fn read(rel: &str) -> String {
    let path = format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn spec() -> Value {
    serde_norway::from_str(&read("protocol/openapi.yaml")).expect("openapi.yaml is valid YAML")
}

/// The lines under the heading `heading` (exact line), up to the next heading of any level
/// up to `###`.
fn section<'a>(guide: &'a str, heading: &str) -> Option<Vec<&'a str>> {
    let mut lines = guide.lines().skip_while(|l| l.trim_end() != heading);
    lines.next()?;
    Some(
        lines
            .take_while(|l| !l.starts_with("## ") && !l.starts_with("### "))
            .collect(),
    )
}

/// The cells of the table rows in `lines`, header and separator rows left out.
fn rows<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    lines
        .iter()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .filter(|cells| {
            !cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ' '))
        })
        .collect()
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => v,
    }
}

fn number(cell: &str) -> String {
    cell.replace(',', "")
}

/// Everything the guide misses or gets wrong, one line each.
fn drift(guide: &str, doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (path, item) in &paths {
        for method in HTTP_METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let op = &item[*method];
            let heading = format!("### {} {path}", method.to_ascii_uppercase());
            let Some(lines) = section(guide, &heading) else {
                problems.push(format!("no section `{heading}`"));
                continue;
            };
            let text = lines.join("\n");
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = resolve(doc, p)["name"].as_str().unwrap_or("?");
                if !rows(&lines)
                    .iter()
                    .any(|r| r.first() == Some(&format!("`{name}`").as_str()))
                {
                    problems.push(format!("`{heading}` has no row for the parameter `{name}`"));
                }
            }
            for status in op["responses"]
                .as_object()
                .into_iter()
                .flat_map(|r| r.keys())
            {
                if !text.contains(&format!("| {status} |")) {
                    problems.push(format!("`{heading}` has no row for status {status}"));
                }
            }
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, schema) in &schemas {
        let Some(props) = schema["properties"].as_object() else {
            if !guide.contains(&format!("`{name}`")) {
                problems.push(format!("the type `{name}` is never mentioned"));
            }
            continue;
        };
        let heading = format!("### `{name}`");
        let Some(lines) = section(guide, &heading) else {
            problems.push(format!("no section `{heading}`"));
            continue;
        };
        let documented: Vec<String> = rows(&lines)
            .iter()
            .filter_map(|r| r.first().map(|c| c.trim_matches('`').to_owned()))
            .filter(|c| c != "field")
            .collect();
        for field in props.keys() {
            if !documented.contains(field) {
                problems.push(format!("`{heading}` has no row for the field `{field}`"));
            }
        }
        for field in &documented {
            if !props.contains_key(field) {
                problems.push(format!(
                    "`{heading}` documents `{field}`, which openapi.yaml does not have"
                ));
            }
        }
    }
    let errors = section(guide, "## Errors").unwrap_or_default();
    for code in schemas["ErrorCode"]["enum"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = code.as_str().unwrap_or("?");
        let status = serde_json::from_value::<ErrorCode>(code.clone())
            .map(|c| c.status().to_string())
            .unwrap_or_default();
        let found = rows(&errors).iter().any(|r| {
            r.first() == Some(&format!("`{name}`").as_str()) && r.get(1) == Some(&status.as_str())
        });
        if !found {
            problems.push(format!("## Errors has no row `{name}` | {status}"));
        }
    }
    let limits = section(guide, "## Limits").unwrap_or_default();
    for (name, value) in doc["x-talkback-limits"].as_object().into_iter().flatten() {
        let found = rows(&limits).iter().any(|r| {
            r.first() == Some(&format!("`{name}`").as_str())
                && r.get(1).map(|c| number(c)) == Some(value.to_string())
        });
        if !found {
            problems.push(format!("## Limits has no row `{name}` | {value}"));
        }
    }
    let sorts = section(guide, "## Sort orders")
        .unwrap_or_default()
        .join("\n");
    for order in schemas["SortOrder"]["enum"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = order.as_str().unwrap_or("?");
        if !sorts.contains(&format!("| `{name}` |")) {
            problems.push(format!("## Sort orders has no row for `{name}`"));
        }
    }
    problems
}

#[test]
fn the_guide_matches_openapi_yaml() {
    let problems = drift(&read("docs/protocol.md"), &spec());
    assert!(
        problems.is_empty(),
        "docs/protocol.md has drifted from protocol/openapi.yaml:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_drift_check_notices_each_kind_of_gap() {
    let guide = read("docs/protocol.md");
    let doc = spec();
    let cases = [
        (
            "| `edited_at` | time or null |",
            "| `edited_again` | time or null |",
            "no row for the field `edited_at`",
        ),
        (
            "| `edited_at` | time or null |",
            "| `edited_at` | time or null |\n| `pinned_until` | boolean | x |",
            "documents `pinned_until`",
        ),
        (
            "### PATCH /api/v1/comments/{id}",
            "### PATCH /api/v1/comment/{id}",
            "no section `### PATCH /api/v1/comments/{id}`",
        ),
        (
            "| `CLIENT_TOKEN_MAX_LEN` | 64 |",
            "| `CLIENT_TOKEN_MAX_LEN` | 65 |",
            "`CLIENT_TOKEN_MAX_LEN` | 64",
        ),
        (
            "| `edit_window_closed` | 403 |",
            "| `edit_window_closed` | 409 |",
            "`edit_window_closed` | 403",
        ),
        (
            "| 415 | the body is not sent as `application/json`",
            "| 400 | the body is not sent as `application/json`",
            "status 415",
        ),
        (
            "| `sort` | query | order of the target's",
            "| `order` | query | order of the target's",
            "parameter `sort`",
        ),
    ];
    for (from, to, expect) in cases {
        assert!(
            guide.contains(from),
            "the guide no longer contains {from:?}; update this test"
        );
        let broken = guide.replacen(from, to, 1);
        let problems = drift(&broken, &doc);
        assert!(
            problems.iter().any(|p| p.contains(expect)),
            "replacing {from:?} was not noticed as {expect:?}: {problems:?}"
        );
    }
}
