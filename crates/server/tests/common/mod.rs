//! A real server on loopback over a real database (a fresh SQLite folder, or a fresh database
//! on the Postgres that scripts/with-postgres.sh starts), and a relying party and devices that
//! talk to it over HTTP.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};
use tessera_push::{Client, EnrollLink, Enrollment};
use tessera_server::push::Pushers;
use tessera_server::{Running, Settings, Store};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs a test body once per database: `on_both!(name)` makes `name::sqlite` and
/// `name::postgres` from `async fn name(db: Db)`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Db::Postgres).await
            }
        }
    )*};
}

/// The Postgres that scripts/with-postgres.sh started.
pub fn postgres_admin_url() -> String {
    std::env::var("TESSERA_TEST_POSTGRES").expect(
        "the Postgres tests need a server: run them through scripts/with-postgres.sh (scripts/test.sh does)",
    )
}

/// A new, empty database on the test Postgres.
pub async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let name = format!("t_{}", uuid_like());
    let mut connection = sqlx::postgres::PgConnection::connect(&admin)
        .await
        .expect("connect to the test Postgres");
    sqlx::Executor::execute(
        &mut connection,
        sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
    )
    .await
    .expect("create a test database");
    let (base, _) = admin.rsplit_once('/').expect("a database in the address");
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// One server and what the tests need around it.
pub struct Harness {
    pub running: Running,
    pub base: String,
    pub rp_key: String,
    pub http: reqwest::Client,
    pub client: Client,
    pub database_url: Option<String>,
    pub _folder: tempfile::TempDir,
}

impl Harness {
    pub async fn start(db: Db) -> Harness {
        Harness::start_with(db, |_| {}).await
    }

    pub async fn start_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> Harness {
        let folder = tempfile::tempdir().unwrap();
        let database_url = match db {
            Db::Sqlite => None,
            Db::Postgres => Some(fresh_postgres().await),
        };
        Harness::start_on(database_url, folder, Pushers::none(), adjust).await
    }

    /// Another instance on the same Postgres database.
    pub async fn second_instance(&self) -> Harness {
        self.second_instance_with(|_| {}).await
    }

    /// Another instance on the same Postgres database, with its settings adjusted.
    pub async fn second_instance_with(&self, adjust: impl FnOnce(&mut Settings)) -> Harness {
        let url = self
            .database_url
            .clone()
            .expect("only Postgres runs several instances");
        // Behind one address, as instances behind a load balancer are.
        let origin = self.base.clone();
        let mut harness = Harness::start_on(
            Some(url),
            tempfile::tempdir().unwrap(),
            Pushers::none(),
            move |settings| {
                settings.origin = origin;
                adjust(settings);
            },
        )
        .await;
        harness.rp_key = self.rp_key.clone();
        harness
    }

    pub async fn start_on(
        database_url: Option<String>,
        folder: tempfile::TempDir,
        pushers: Pushers,
        adjust: impl FnOnce(&mut Settings),
    ) -> Harness {
        let store = match &database_url {
            None => Store::sqlite(folder.path()).await.unwrap(),
            Some(url) => Store::postgres(url).await.unwrap(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = Settings::new(base.clone());
        adjust(&mut settings);
        let rp_key =
            match tessera_server::relying_party::create(&store.pool, "Example shop", None).await {
                Ok((_, key)) => key,
                Err(_) => String::new(),
            };
        let running = tessera_server::start(store, settings, pushers, listener)
            .await
            .unwrap();
        Harness {
            running,
            base,
            rp_key,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            client: Client::new(),
            database_url,
            _folder: folder,
        }
    }

    /// A relying-party call: method, path, body → (status, JSON).
    pub async fn rp(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.rp_key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A site long-polling an approval's status (up to 20 s), in the background.
    pub fn long_poll(&self, id: &str) -> tokio::task::JoinHandle<Value> {
        let request = self
            .http
            .get(format!("{}/v1/approvals/{id}?wait=20", self.base))
            .bearer_auth(&self.rp_key);
        tokio::spawn(async move { request.send().await.unwrap().json::<Value>().await.unwrap() })
    }

    /// An enrollment link for `account`.
    pub async fn link(&self, account: &str) -> EnrollLink {
        let (status, body) = self
            .rp(
                reqwest::Method::POST,
                "/v1/enrollments",
                Some(json!({ "account": account })),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        EnrollLink::parse(body["link"].as_str().unwrap()).unwrap()
    }

    /// A device enrolled for `account`.
    pub async fn device(&self, account: &str) -> Enrollment {
        let link = self.link(account).await;
        self.client.enroll(&link, "test phone", None).await.unwrap()
    }

    /// Asks for an approval for `account`: (status, body).
    pub async fn ask(&self, account: &str) -> (u16, Value) {
        self.rp(
            reqwest::Method::POST,
            "/v1/approvals",
            Some(json!({ "account": account, "context": { "site": "Example shop", "browser": "Firefox on Linux", "place": "Utrecht" } })),
        )
        .await
    }

    /// Asks and expects it to work: (id, number).
    pub async fn approval(&self, account: &str) -> (String, u8) {
        let (status, body) = self.ask(account).await;
        assert_eq!(status, 201, "{body}");
        (
            body["id"].as_str().unwrap().to_string(),
            body["number"].as_u64().unwrap() as u8,
        )
    }

    /// How many rows a table has.
    /// An approval's row, every column as text, to compare before and after.
    pub async fn approval_row(&self, id: &str) -> Vec<(&'static str, Option<String>)> {
        const COLUMNS: [&str; 16] = [
            "id",
            "user_id",
            "rp_id",
            "number",
            "mode",
            "choices",
            "context",
            "state",
            "reason",
            "device_id",
            "created_at",
            "expires_at",
            "decided_at",
            "redeemed_at",
            "passwordless",
            "user_verified",
        ];
        let columns: Vec<String> = COLUMNS
            .iter()
            .map(|column| format!("CAST({column} AS TEXT)"))
            .collect();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM approvals WHERE id = $1",
            columns.join(", ")
        )))
        .bind(id)
        .fetch_one(&self.running.server.store.pool)
        .await
        .unwrap();
        COLUMNS
            .iter()
            .enumerate()
            .map(|(index, column)| (*column, sqlx::Row::get(&row, index)))
            .collect()
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) AS n FROM {table}"
        )))
        .fetch_one(&self.running.server.store.pool)
        .await
        .unwrap();
        sqlx::Row::get(&row, "n")
    }
}
