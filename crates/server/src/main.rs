//! `tessera-server`: runs the approval server, or registers a relying party.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tessera_server::push::{PushConfig, Pushers};
use tessera_server::{Settings, Store};

/// Tessera's approval server: sign-in approvals with number matching.
///
/// Every option may come before or after a command (`add-relying-party 'Shop' --data DIR`).
#[derive(Parser)]
#[command(version, about)]
struct Options {
    /// Where to listen.
    #[arg(
        long,
        global = true,
        env = "TESSERA_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: SocketAddr,
    /// The folder for the embedded SQLite database (default: the platform's data folder).
    #[arg(long, global = true, env = "TESSERA_DATA")]
    data: Option<PathBuf>,
    /// Run on Postgres instead (`postgres://user@host/database`); any number of instances may
    /// share one database.
    #[arg(long, global = true, env = "TESSERA_DATABASE")]
    database: Option<String>,
    /// The address devices and sites reach this server at, if not http://<listen> (behind a
    /// TLS proxy: https://approvals.example.com).
    #[arg(long, global = true, env = "TESSERA_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seconds an approval waits for an answer.
    #[arg(long, global = true, default_value_t = 90)]
    approval_seconds: u64,
    /// Minutes approvals for an account are muted after "this wasn't me".
    #[arg(long, global = true, default_value_t = 15)]
    not_me_minutes: u64,
    /// Approvals one account may be asked for per minute.
    #[arg(long, global = true, default_value_t = 10)]
    account_per_minute: i64,
    /// Approvals one relying party may ask for per minute.
    #[arg(long, global = true, default_value_t = 6000)]
    relying_party_per_minute: i64,
    /// Approvals one account may be asked for in any 24 hours (against MFA fatigue).
    #[arg(long, global = true, default_value_t = 50)]
    account_per_day: i64,
    /// Devices one account may have enrolled at once.
    #[arg(long, global = true, default_value_t = 10)]
    devices_per_account: i64,
    /// Wake-ups this server sends to one UnifiedPush host per minute.
    #[arg(long, global = true, default_value_t = 120)]
    wakeups_per_host_per_minute: i64,
    /// Take a sign-in's address from the last entry of X-Forwarded-For, which the proxy in
    /// front of this server sets. Only behind such a proxy: otherwise anyone can write it.
    #[arg(long, global = true, env = "TESSERA_TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new())]
    trust_forwarded_for: bool,
    /// Seconds a connection may take to send a request's head, or wait idle for the next one.
    #[arg(long, global = true, default_value_t = 10)]
    header_timeout_seconds: u64,
    /// Seconds no byte may move on a connection, either way (longer than any long-poll).
    #[arg(long, global = true, default_value_t = 330)]
    idle_timeout_seconds: u64,
    /// Connections open at once, in all.
    #[arg(long, global = true, default_value_t = 1024)]
    max_connections: usize,
    /// Connections open at once from one address (behind a proxy, all come from the proxy).
    #[arg(long, global = true, default_value_t = 64)]
    max_connections_per_address: usize,
    /// Serve the demo sign-in site (`/demo`) even though not listening on loopback. Its
    /// sign-up needs nothing, so leave it off on a server others use.
    #[arg(long, global = true)]
    demo: bool,
    #[command(flatten)]
    push: PushConfig,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Registers a relying party (a site) and prints its API key, once.
    AddRelyingParty {
        /// Its name, shown on devices (`Example shop`).
        name: String,
        /// Where to report "this wasn't me" (an https address).
        #[arg(long)]
        webhook: Option<String>,
    },
    /// Gives a relying party a new API key and prints it, once. The old key stops working
    /// (within a minute on servers that are running).
    NewApiKey {
        /// The relying party's name, as registered.
        name: String,
    },
}

fn default_data() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(data.join("tessera-server"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tessera-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let (store, where_) = match &options.database {
        Some(url) => (
            Store::postgres(url)
                .await
                .map_err(|error| error.to_string())?,
            "Postgres".to_string(),
        ),
        None => {
            let folder = options
                .data
                .clone()
                .or_else(default_data)
                .ok_or("no data folder: give one with --data")?;
            let store = Store::sqlite(&folder)
                .await
                .map_err(|error| error.to_string())?;
            for file in tessera_server::store::sqlite_files_open_to_others(&folder) {
                eprintln!(
                    "tessera-server: warning: other users of this machine can read {}, which holds the server's private signing key: make it readable by its owner only (chmod 600)",
                    file.display()
                );
            }
            (store, format!("SQLite in {}", folder.display()))
        }
    };
    match &options.command {
        Some(Command::AddRelyingParty { name, webhook }) => {
            let (party, key) =
                tessera_server::relying_party::create(&store.pool, name, webhook.as_deref())
                    .await
                    .map_err(|error| error.message)?;
            println!(
                "Registered {} ({}). Its API key, shown only now:\n{key}",
                party.name, party.id
            );
            return Ok(());
        }
        Some(Command::NewApiKey { name }) => {
            let (party, key) = tessera_server::relying_party::new_key(&store.pool, name)
                .await
                .map_err(|error| error.message)?;
            println!(
                "{} ({}) has a new API key; the old one no longer works (servers that are running stop accepting it within a minute). The new key, shown only now:\n{key}",
                party.name, party.id
            );
            return Ok(());
        }
        None => {}
    }
    let origin = match &options.public_url {
        Some(url) => {
            tessera_push::EnrollLink::check_origin(url).map_err(|error| error.to_string())?
        }
        None => format!("http://{}", options.listen),
    };
    if options.public_url.is_none() && options.listen.ip().is_unspecified() {
        eprintln!(
            "tessera-server: listening on all addresses without --public-url: devices only enroll over https, so give the https address they reach this server at"
        );
    }
    if !(15..=300).contains(&options.approval_seconds) {
        return Err("--approval-seconds must be 15 to 300".into());
    }
    let mut settings = Settings::new(origin.clone());
    settings.approval_ttl = Duration::from_secs(options.approval_seconds);
    settings.not_me_mute = Duration::from_secs(options.not_me_minutes * 60);
    settings.account_per_minute = options.account_per_minute;
    settings.relying_party_per_minute = options.relying_party_per_minute;
    settings.account_per_day = options.account_per_day;
    settings.trust_forwarded_for = options.trust_forwarded_for;
    settings.devices_per_account = options.devices_per_account;
    settings.wakeups_per_host_per_minute = options.wakeups_per_host_per_minute;
    settings.connections = tessera_server::serve::Limits {
        header_timeout: Duration::from_secs(options.header_timeout_seconds),
        idle_timeout: Duration::from_secs(options.idle_timeout_seconds),
        max_connections: options.max_connections,
        max_connections_per_address: options.max_connections_per_address,
    };
    if options.demo {
        settings.demo = Some(true);
    }
    let pushers = Pushers::new(&options.push).map_err(|error| error.to_string())?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
    let running = tessera_server::start(store, settings, pushers, listener)
        .await
        .map_err(|error| error.to_string())?;
    println!(
        "Tessera approval server on http://{} ({where_})",
        running.address
    );
    if running.server.settings.demo == Some(true) {
        println!("Demo sign-in site: {origin}/demo");
    } else {
        println!("Demo sign-in site: off (not listening on loopback; --demo serves it)");
    }
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    Ok(())
}
