//! Crash safety of the SQLite store: every acknowledged write survives a SIGKILL of the process.
//!
//! `acknowledged_writes_survive_sigkill` (the parent) re-executes this test binary
//! (`std::env::current_exe()`) with `--exact crash_child_writer --nocapture` and the environment
//! variable [`CHILD_DIR_ENV`] set. That child opens the store in the given directory and writes
//! in a loop from several tasks, printing one `ack <key> <revision> <round> <seq>` line per
//! acknowledged write (flushed). The parent reads the lines, kills the child with SIGKILL
//! (`std::process::Child::kill`) once [`ACKS_BEFORE_KILL`] writes were acknowledged, reopens the
//! store and checks every acknowledged write; it does this [`ROUNDS`] times on the same
//! directory, so later rounds also recover a database that was killed before.
//!
//! The child is an ordinary test gated by the environment variable, not `#[ignore]`: without the
//! variable (plain `cargo test`) it returns at once, and `--ignored` runs cannot start a stray
//! writer either.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use flotilla_store::sqlite::SqliteStore;
use flotilla_store::{Store, WatchMessage};

/// Set (to the data directory) only in the child process.
const CHILD_DIR_ENV: &str = "FLOTILLA_SQLITE_CRASH_CHILD_DIR";
/// The round number the child stamps into its values.
const CHILD_ROUND_ENV: &str = "FLOTILLA_SQLITE_CRASH_CHILD_ROUND";
/// The child test's name (for `--exact`).
const CHILD_TEST: &str = "crash_child_writer";
/// Acknowledged writes the parent waits for before the kill.
const ACKS_BEFORE_KILL: usize = 300;
/// Kill-and-recover rounds on one directory.
const ROUNDS: u64 = 3;
/// Concurrent writer tasks in the child (so group commits are in flight at the kill).
const CHILD_WRITERS: usize = 4;
/// Keys each child task cycles through.
const KEYS_PER_WRITER: u64 = 10;
/// The child stops by itself after this many writes per task (if the parent never kills it).
const CHILD_MAX_WRITES_PER_TASK: u64 = 200_000;

/// How long the history replay after a reopen may take.
const HISTORY_WAIT: Duration = Duration::from_secs(30);

/// One acknowledged write.
#[derive(Clone, Debug)]
struct Ack {
    key: String,
    revision: u64,
    /// (round, seq): the version the value carries; later writes carry larger ones.
    version: (u64, u64),
}

fn parse_ack(line: &str) -> Option<Ack> {
    let line = line.strip_suffix('\n')?;
    let mut fields = line.strip_prefix("ack ")?.split(' ');
    let key = fields.next()?.to_string();
    let revision = fields.next()?.parse().ok()?;
    let round = fields.next()?.parse().ok()?;
    let seq = fields.next()?.parse().ok()?;
    Some(Ack {
        key,
        revision,
        version: (round, seq),
    })
}

fn parse_version(value: &[u8]) -> (u64, u64) {
    let text = std::str::from_utf8(value).expect("utf-8 value");
    let (round, seq) = text.split_once('.').expect("round.seq value");
    (round.parse().unwrap(), seq.parse().unwrap())
}

/// The child: writes until killed. A no-op unless [`CHILD_DIR_ENV`] is set.
#[test]
fn crash_child_writer() {
    let Some(dir) = std::env::var_os(CHILD_DIR_ENV) else {
        return;
    };
    let round: u64 = std::env::var(CHILD_ROUND_ENV)
        .expect("round variable")
        .parse()
        .expect("round number");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store = Arc::new(SqliteStore::open(&PathBuf::from(dir)).expect("child open"));
        let out = Arc::new(Mutex::new(std::io::stdout()));
        let tasks: Vec<_> = (0..CHILD_WRITERS)
            .map(|w| tokio::spawn(write_loop(store.clone(), out.clone(), w, round)))
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
}

async fn write_loop(
    store: Arc<SqliteStore>,
    out: Arc<Mutex<std::io::Stdout>>,
    w: usize,
    round: u64,
) {
    for seq in 1..=CHILD_MAX_WRITES_PER_TASK {
        let key = format!("/core/configmaps/crash/w{w}-k{}", seq % KEYS_PER_WRITER);
        let value = format!("{round}.{seq}").into_bytes();
        // Each task owns its keys: no conflicts.
        let revision = match store.get(&key).await.expect("get").kv {
            None => store.create(&key, value).await,
            Some(kv) => store.update(&key, kv.mod_revision, value).await,
        }
        .expect("write");
        let mut out = out.lock().unwrap();
        // The parent going away ends the child.
        if writeln!(out, "ack {key} {revision} {round} {seq}")
            .and_then(|()| out.flush())
            .is_err()
        {
            std::process::exit(1);
        }
    }
}

fn spawn_child(dir: &Path, round: u64) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads", "1"])
        .env(CHILD_DIR_ENV, dir)
        .env(CHILD_ROUND_ENV, round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child")
}

/// Runs one child until [`ACKS_BEFORE_KILL`] acknowledgements, SIGKILLs it mid-loop, and
/// returns every acknowledgement it printed (including lines still in the pipe).
fn run_child_until_killed(dir: &Path, round: u64) -> Vec<Ack> {
    let mut child = spawn_child(dir, round);
    let mut reader = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut acks = Vec::new();
    let mut line = String::new();
    while acks.len() < ACKS_BEFORE_KILL {
        line.clear();
        if reader.read_line(&mut line).expect("read child") == 0 {
            panic!("the child ended before the kill: {:?}", child.wait());
        }
        acks.extend(parse_ack(&line));
    }
    // SIGKILL on Unix: no destructor, no flush, no clean close of the database.
    child.kill().expect("kill child");
    let status = child.wait().expect("reap child");
    assert!(!status.success(), "the child was killed, not finished");
    loop {
        line.clear();
        if reader.read_line(&mut line).expect("read child") == 0 {
            break;
        }
        // A line without its newline was cut by the kill; it is not counted.
        acks.extend(parse_ack(&line));
    }
    acks
}

/// Every commit in the store's history: revision → (key, value).
async fn history(store: &SqliteStore, until: u64) -> HashMap<u64, (String, Vec<u8>)> {
    let mut watch = store.watch("/", 0).await.expect("watch from the start");
    let mut seen = HashMap::new();
    let mut last = 0;
    while last < until {
        let message = tokio::time::timeout(HISTORY_WAIT, watch.next())
            .await
            .expect("history replay stalled")
            .expect("watch ended")
            .expect("watch error");
        if let WatchMessage::Events(events) = message {
            for event in events {
                last = event.revision();
                seen.insert(last, (event.kv.key, event.kv.value));
            }
        }
    }
    seen
}

/// Reopens the store and checks every acknowledged write (in history at its revision with its
/// value, and not overtaken by an older state) and the revision.
async fn verify(dir: &Path, acks: &[Ack], round: u64) {
    let store = SqliteStore::open(dir).expect("reopen after the kill");
    let current = store.current_revision().await.unwrap();
    let last_acked = acks.iter().map(|a| a.revision).max().unwrap_or(0);
    assert!(
        current >= last_acked,
        "revision {current} < acknowledged {last_acked}"
    );
    let history = history(&store, current).await;
    let mut latest: HashMap<&str, &Ack> = HashMap::new();
    for ack in acks {
        let value = format!("{}.{}", ack.version.0, ack.version.1).into_bytes();
        let committed = history.get(&ack.revision);
        assert_eq!(committed, Some(&(ack.key.clone(), value)), "{ack:?}");
        let entry = latest.entry(&ack.key).or_insert(ack);
        if entry.revision < ack.revision {
            *entry = ack;
        }
    }
    for ack in latest.values() {
        let kv = store.get(&ack.key).await.unwrap().kv;
        let kv = kv.unwrap_or_else(|| panic!("acknowledged {ack:?} is missing"));
        assert!(
            kv.mod_revision >= ack.revision,
            "{ack:?} went back to {kv:?}"
        );
        let version = parse_version(&kv.value);
        assert!(version >= ack.version, "{ack:?} went back to {version:?}");
    }
    let fresh = format!("/core/configmaps/check/after-round-{round}");
    let revision = store.create(&fresh, b"new".to_vec()).await.unwrap();
    assert!(
        revision > current,
        "a new write got {revision}, current was {current}"
    );
    eprintln!(
        "round {round}: {} acknowledged writes so far, last at revision {last_acked}; \
         reopened at revision {current}",
        acks.len()
    );
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut acks = Vec::new();
    for round in 1..=ROUNDS {
        let new = run_child_until_killed(dir.path(), round);
        assert!(new.len() >= ACKS_BEFORE_KILL);
        acks.extend(new);
        runtime.block_on(verify(dir.path(), &acks, round));
    }
}
