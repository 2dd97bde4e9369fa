//! What one SQLite statement costs through the server's driver (sqlx, whose SQLite connections
//! each run on a worker thread that every statement travels to and back from) next to rusqlite
//! on the caller's thread, on files set up alike (WAL, synchronous NORMAL). An approval flow
//! takes about 23 statements, so this sets the ceiling of flows per second on SQLite.
//!
//! Figures only: nothing is asserted.

use std::time::Instant;

use sqlx::Executor;
use tessera_server::store::Store;

const READS: usize = 20_000;
const INSERTS: usize = 10_000;
const TRANSACTIONS: usize = 4_000;

fn report(driver: &str, what: &str, count: usize, started: Instant) {
    let micros = started.elapsed().as_secs_f64() * 1e6 / count as f64;
    println!("{driver}: {what}: {micros:.1} µs each");
}

/// Runs `work(task, i)` for `count` operations spread over `tasks` tasks.
async fn spread<F, Fut>(tasks: usize, count: usize, work: F)
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let work = work.clone();
            tokio::spawn(async move {
                for i in 0..count / tasks {
                    work(task, i).await;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
}

async fn sqlx_driver() {
    let folder = tempfile::tempdir().unwrap();
    // Opened as the server opens it: one connection, WAL, synchronous NORMAL.
    let pool = Store::sqlite(folder.path()).await.unwrap().pool;
    pool.execute("CREATE TABLE bench (k TEXT PRIMARY KEY, v BIGINT)")
        .await
        .unwrap();
    for tasks in [1, 32] {
        let driver = format!("sqlx, {tasks} task(s)");
        let started = Instant::now();
        let reader = pool.clone();
        spread(tasks, READS, move |task, i| {
            let pool = reader.clone();
            async move {
                sqlx::query("SELECT v FROM bench WHERE k = $1")
                    .bind(format!("{task}-{i}"))
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
            }
        })
        .await;
        report(&driver, "read by key", READS, started);
        let started = Instant::now();
        let writer = pool.clone();
        spread(tasks, INSERTS, move |task, i| {
            let pool = writer.clone();
            async move {
                sqlx::query("INSERT INTO bench (k, v) VALUES ($1, $2)")
                    .bind(format!("one {tasks} {task}-{i}"))
                    .bind(i as i64)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        })
        .await;
        report(&driver, "insert, committed", INSERTS, started);
        let started = Instant::now();
        let writer = pool.clone();
        spread(tasks, TRANSACTIONS, move |task, i| {
            let pool = writer.clone();
            async move {
                let mut transaction = pool.begin().await.unwrap();
                for row in 0..3 {
                    sqlx::query("INSERT INTO bench (k, v) VALUES ($1, $2)")
                        .bind(format!("three {tasks} {task}-{i}-{row}"))
                        .bind(i as i64)
                        .execute(&mut *transaction)
                        .await
                        .unwrap();
                }
                transaction.commit().await.unwrap();
            }
        })
        .await;
        report(
            &driver,
            "transaction of three inserts",
            TRANSACTIONS,
            started,
        );
    }
}

fn rusqlite_driver() {
    let folder = tempfile::tempdir().unwrap();
    let connection = rusqlite::Connection::open(folder.path().join("bench.sqlite3")).unwrap();
    connection
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             CREATE TABLE bench (k TEXT PRIMARY KEY, v BIGINT)",
        )
        .unwrap();
    let driver = "rusqlite, on the caller's thread";
    let insert = "INSERT INTO bench (k, v) VALUES (?1, ?2)";
    let started = Instant::now();
    for i in 0..READS {
        let mut statement = connection
            .prepare_cached("SELECT v FROM bench WHERE k = ?1")
            .unwrap();
        let _: Option<i64> = statement.query_row([format!("{i}")], |row| row.get(0)).ok();
    }
    report(driver, "read by key", READS, started);
    let started = Instant::now();
    for i in 0..INSERTS {
        let mut statement = connection.prepare_cached(insert).unwrap();
        statement
            .execute(rusqlite::params![format!("one {i}"), i as i64])
            .unwrap();
    }
    report(driver, "insert, committed", INSERTS, started);
    let started = Instant::now();
    for i in 0..TRANSACTIONS {
        connection.execute_batch("BEGIN IMMEDIATE").unwrap();
        for row in 0..3 {
            let mut statement = connection.prepare_cached(insert).unwrap();
            statement
                .execute(rusqlite::params![format!("three {i}-{row}"), i as i64])
                .unwrap();
        }
        connection.execute_batch("COMMIT").unwrap();
    }
    report(
        driver,
        "transaction of three inserts",
        TRANSACTIONS,
        started,
    );
}

type Job = Box<dyn FnOnce(&mut rusqlite::Connection) + Send>;

/// rusqlite on a thread of its own that takes whole transactions: one trip per transaction
/// rather than one per statement (a design the server could move to; see docs/testing.md).
async fn rusqlite_thread() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("bench.sqlite3");
    let (jobs, queue) = std::sync::mpsc::channel::<Job>();
    let worker = std::thread::spawn(move || {
        let mut connection = rusqlite::Connection::open(path).unwrap();
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 CREATE TABLE bench (k TEXT PRIMARY KEY, v BIGINT)",
            )
            .unwrap();
        for job in queue {
            job(&mut connection);
        }
    });
    let driver = "rusqlite, one thread, 32 tasks, one trip per transaction";
    let started = Instant::now();
    spread(32, TRANSACTIONS, move |task, i| {
        let jobs = jobs.clone();
        async move {
            let (done, finished) = tokio::sync::oneshot::channel();
            let job: Job = Box::new(move |connection| {
                let transaction = connection
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .unwrap();
                for row in 0..3 {
                    let mut statement = transaction
                        .prepare_cached("INSERT INTO bench (k, v) VALUES (?1, ?2)")
                        .unwrap();
                    statement
                        .execute(rusqlite::params![format!("{task}-{i}-{row}"), i as i64])
                        .unwrap();
                }
                transaction.commit().unwrap();
                let _ = done.send(());
            });
            jobs.send(job).unwrap();
            finished.await.unwrap();
        }
    })
    .await;
    report(
        driver,
        "transaction of three inserts",
        TRANSACTIONS,
        started,
    );
    worker.join().unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    sqlx_driver().await;
    rusqlite_driver();
    rusqlite_thread().await;
}
