//! The SQLite backend (embedded default). Being written.
