//! Talkback widget.
