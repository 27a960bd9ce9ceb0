//! Import and export: each format's fixture checked comment by comment, repeated and resumed
//! imports, export → import round trips, and memory on a large generated export.

mod common;
mod disqus;
mod isso;
mod resume;
mod roundtrip;
mod scale;
mod wordpress;
