//! Streaming XML: turns a file of any size into small records, one per element of interest,
//! holding only that element's fields in memory.
//!
//! A record is an element at one of the given paths (`disqus/post`); its fields are the text
//! of its descendants keyed by relative path (`author/name`) and their attributes keyed
//! `path@attr` (`thread@id`, or `@id` for the record element itself). Names are compared
//! without namespace prefixes. A record nested in another (a WordPress comment inside its
//! post) is its own record; the outer one is handed out, with the fields read so far, when
//! the first nested record starts.

use std::collections::VecDeque;
use std::io::BufRead;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::TransferError;

/// Largest text kept for one record; beyond it the record is marked oversized.
const RECORD_MAX_BYTES: usize = 4 * 1024 * 1024;

/// One element of interest with its fields.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// Local name of the element.
    pub name: String,
    /// Line of its start tag.
    pub line: u64,
    /// Fields in document order; a repeated element gives a repeated key.
    pub fields: Vec<(String, String)>,
    /// The record held more than [`RECORD_MAX_BYTES`] of text; the rest was dropped.
    pub oversized: bool,
}

impl Record {
    /// The first field with this key, trimmed; `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Whether the field says `true` (or `1`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1" | "True" | "TRUE"))
    }
}

/// A record being read.
struct Open {
    depth: usize,
    record: Record,
    bytes: usize,
    handed_out: bool,
}

/// Counts lines as the parser consumes bytes, so records can say where they start.
pub struct LineCounter<R> {
    inner: R,
    line: u64,
    bytes: u64,
}

impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
                dst.copy_from_slice(src);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let seen = buf.get(..amt.min(buf.len())).unwrap_or_default();
            self.line += seen.iter().filter(|b| **b == b'\n').count() as u64;
        }
        self.bytes += amt as u64;
        self.inner.consume(amt);
    }
}

/// Reads records from an XML stream.
pub struct Records<R: BufRead> {
    reader: Reader<LineCounter<R>>,
    buf: Vec<u8>,
    paths: Vec<Vec<&'static str>>,
    path: Vec<String>,
    open: Vec<Open>,
    ready: VecDeque<Record>,
    /// Key of the field text currently goes to, with the record it belongs to.
    target: Option<(usize, String)>,
    done: bool,
}

impl<R: BufRead> Records<R> {
    /// Reads records at the given slash-separated paths (`rss/channel/item`).
    pub fn new(input: R, paths: &[&'static str]) -> Self {
        let reader = Reader::from_reader(LineCounter {
            inner: input,
            line: 1,
            bytes: 0,
        });
        Records {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            paths: paths.iter().map(|p| p.split('/').collect()).collect(),
            path: Vec::new(),
            open: Vec::new(),
            ready: VecDeque::new(),
            target: None,
            done: false,
        }
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().bytes
    }

    /// The line the parser is at.
    pub fn line(&self) -> u64 {
        self.reader.get_ref().line
    }

    /// The next record, `None` at the end; an error when the XML itself is broken, since
    /// nothing after that point can be trusted.
    pub fn next_record(&mut self) -> Result<Option<Record>, TransferError> {
        loop {
            if let Some(r) = self.ready.pop_front() {
                return Ok(Some(r));
            }
            if self.done {
                return Ok(None);
            }
            self.buf.clear();
            let event =
                self.reader
                    .read_event_into(&mut self.buf)
                    .map_err(|e| TransferError::Xml {
                        line: self.reader.get_ref().line,
                        message: e.to_string(),
                    })?;
            match event {
                Event::Start(e) => {
                    let start = e.into_owned();
                    self.start(&start);
                }
                Event::Empty(e) => {
                    let start = e.into_owned();
                    self.start(&start);
                    self.end();
                }
                Event::End(_) => self.end(),
                Event::Text(t) => {
                    let text = t.xml10_content().into_owned();
                    self.push_text(&text);
                }
                Event::CData(t) => {
                    let text = t.xml10_content().into_owned();
                    self.push_text(&text);
                }
                Event::GeneralRef(r) => {
                    let resolved = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        resolve_xml_entity(&r).map(str::to_owned)
                    };
                    let text = resolved.unwrap_or_else(|| format!("&{};", &*r));
                    self.push_text(&text);
                }
                Event::Eof => {
                    self.done = true;
                    if let Some(open) = self.open.last() {
                        return Err(TransferError::Truncated {
                            element: open.record.name.clone(),
                            line: open.record.line,
                        });
                    }
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) {
        let name = e.local_name().as_ref().to_owned();
        self.path.push(name.clone());
        let depth = self.path.len();
        let is_record = self
            .paths
            .iter()
            .any(|p| p.len() == depth && p.iter().zip(&self.path).all(|(a, b)| a == b));
        if is_record {
            // The enclosing record is complete as far as anything before its nested records.
            if let Some(outer) = self.open.last_mut()
                && !outer.handed_out
            {
                outer.handed_out = true;
                self.ready.push_back(outer.record.clone());
            }
            self.open.push(Open {
                depth,
                record: Record {
                    name,
                    line: self.reader.get_ref().line,
                    ..Record::default()
                },
                bytes: 0,
                handed_out: false,
            });
        }
        let Some(top) = self.open.len().checked_sub(1) else {
            self.target = None;
            return;
        };
        let rel = self.relative_path(top);
        for attr in e.attributes().with_checks(false).flatten() {
            let key = attr.key.local_name().as_ref().to_owned();
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_or_else(|_| attr.value.to_string(), |v| v.into_owned());
            self.add_field(top, format!("{rel}@{key}"), &value, false);
        }
        self.target = Some((top, rel));
    }

    fn end(&mut self) {
        let depth = self.path.len();
        if let Some(open) = self.open.last()
            && open.depth == depth
            && let Some(open) = self.open.pop()
            && !open.handed_out
        {
            self.ready.push_back(open.record);
        }
        self.path.pop();
        self.target = match self.open.len().checked_sub(1) {
            Some(top) if self.path.len() >= self.open.last().map_or(0, |o| o.depth) => {
                Some((top, self.relative_path(top)))
            }
            _ => None,
        };
    }

    /// The path of the current element below the record `top`, `""` for the record itself.
    fn relative_path(&self, top: usize) -> String {
        let depth = self.open.get(top).map_or(0, |o| o.depth);
        self.path
            .get(depth..)
            .map(|p| p.join("/"))
            .unwrap_or_default()
    }

    fn push_text(&mut self, text: &str) {
        if let Some((top, key)) = self.target.clone() {
            self.add_field(top, key, text, true);
        }
    }

    fn add_field(&mut self, top: usize, key: String, text: &str, append: bool) {
        let Some(open) = self.open.get_mut(top) else {
            return;
        };
        let continues = matches!(open.record.fields.last(), Some((k, _)) if append && *k == key);
        // Indentation between elements would otherwise become a field of its own.
        if open.handed_out || (append && !continues && text.trim().is_empty()) {
            return;
        }
        if open.bytes + text.len() > RECORD_MAX_BYTES {
            open.record.oversized = true;
            return;
        }
        open.bytes += text.len();
        match open.record.fields.last_mut() {
            Some((_, v)) if continues => v.push_str(text),
            _ => open.record.fields.push((key, text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_hold_their_fields_and_lines() {
        let xml = r#"<?xml version="1.0"?>
<disqus xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="7"><link>https://a.example/x</link><title>A &amp; B</title></thread>
  <post dsq:id="9">
    <message><![CDATA[<p>Hi &amp; bye</p>]]></message>
    <author><name>Ann</name></author>
    <thread dsq:id="7"/>
  </post>
</disqus>"#;
        let mut r = Records::new(xml.as_bytes(), &["disqus/thread", "disqus/post"]);
        let t = r.next_record().unwrap().unwrap();
        assert_eq!((t.name.as_str(), t.line), ("thread", 3));
        assert_eq!(t.get("@id"), Some("7"));
        assert_eq!(t.get("title"), Some("A & B"));
        let p = r.next_record().unwrap().unwrap();
        assert_eq!((p.name.as_str(), p.line), ("post", 4));
        assert_eq!(p.get("message"), Some("<p>Hi &amp; bye</p>"));
        assert_eq!(p.get("author/name"), Some("Ann"));
        assert_eq!(p.get("thread@id"), Some("7"));
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn nested_records_hand_out_the_outer_one_first() {
        let xml = "<rss><channel><item><title>T</title><comment><id>1</id></comment>\
                   <comment><id>2</id></comment></item></channel></rss>";
        let mut r = Records::new(
            xml.as_bytes(),
            &["rss/channel/item", "rss/channel/item/comment"],
        );
        let names: Vec<(String, Option<String>)> = std::iter::from_fn(|| r.next_record().unwrap())
            .map(|rec| {
                (
                    rec.name.clone(),
                    rec.get("title").or(rec.get("id")).map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("item".into(), Some("T".into())),
                ("comment".into(), Some("1".into())),
                ("comment".into(), Some("2".into()))
            ]
        );
    }

    #[test]
    fn broken_and_truncated_files_are_errors() {
        let mut r = Records::new("<a><post><b></c></post></a>".as_bytes(), &["a/post"]);
        assert!(matches!(r.next_record(), Err(TransferError::Xml { .. })));
        let mut r = Records::new("<a>\n<post><b>x</b>".as_bytes(), &["a/post"]);
        assert!(matches!(
            r.next_record(),
            Err(TransferError::Truncated { line: 2, .. })
        ));
    }
}
