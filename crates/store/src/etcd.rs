//! The etcd backend (cargo feature `etcd`). Being written.
