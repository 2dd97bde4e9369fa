//! What SQLite statements cost through sqlx (whose SQLite connections each run on a worker
//! thread that every statement travels to and back from), through rusqlite on the caller's
//! thread, and through the server's own SQLite thread, which takes a request's whole
//! transaction in one trip; on files set up alike (WAL, synchronous NORMAL). This is why the
//! approval flows on SQLite go through that thread rather than through sqlx.
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

/// The server's own way for the approval flows: each request's whole transaction in one trip
/// to the thread that owns its rusqlite connection (`Store::write`).
async fn server_thread() {
    let folder = tempfile::tempdir().unwrap();
    let store = Store::sqlite(folder.path()).await.unwrap();
    store
        .pool
        .execute("CREATE TABLE bench (k TEXT PRIMARY KEY, v BIGINT)")
        .await
        .unwrap();
    let driver = "tessera-server's SQLite thread, 32 tasks, one trip per transaction";
    let started = Instant::now();
    spread(32, TRANSACTIONS, move |task, i| {
        let store = store.clone();
        async move {
            store
                .write(move |db| {
                    Box::pin(async move {
                        for row in 0..3 {
                            db.run(
                                "INSERT INTO bench (k, v) VALUES ($1, $2)",
                                &tessera_server::params![format!("{task}-{i}-{row}"), i as i64],
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .await
                .unwrap();
        }
    })
    .await;
    report(
        driver,
        "transaction of three inserts",
        TRANSACTIONS,
        started,
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    sqlx_driver().await;
    rusqlite_driver();
    server_thread().await;
}
