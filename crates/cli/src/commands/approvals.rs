//! `tessera approvals`: the device side of sign-in approvals, so the command line can stand in
//! for a phone, with Tessera approval servers and privacyIDEA push tokens alike. Enrollments
//! (with their device keys) are sealed in the vault.

use std::io::Write;

use tessera_core::Vault;
use tessera_core::vault::ApprovalServerId;
use tessera_push::inbox::NotFound;
use tessera_push::privacyidea::{self, PushLink};
use tessera_push::{
    Answer, Approval, Client, DenyReason, EnrollLink, Enrolled, Followed, Inbox, NumberMode,
    Outcome, ProtocolError, Status,
};

use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// `tessera approvals …`
#[derive(clap::Subcommand)]
pub enum ApprovalsCommand {
    /// Enroll with an approval server, from the site's tessera://enroll link or a privacyIDEA
    /// push token's otpauth://pipush link.
    Enroll {
        /// The enrollment link (or - to read it from standard input).
        link: String,
        /// The name the site will show for this device (default: this computer's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// The servers this vault is enrolled with.
    Servers,
    /// Leave a server: it forgets this device, and the vault forgets the server.
    Unenroll {
        /// The server's number (see 'tessera approvals servers').
        server: ApprovalServerId,
    },
    /// The sign-ins waiting for an answer.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One sign-in in full.
    Show {
        /// The approval's id (see 'tessera approvals list').
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a sign-in with the number the sign-in screen shows. A wrong number refuses it.
    Approve {
        /// The approval's id.
        id: String,
        /// The number (or, for a privacyIDEA token, the choice) on the sign-in screen; left out
        /// for a sign-in that has nothing to match.
        #[arg(long)]
        number: Option<String>,
    },
    /// Deny a sign-in.
    Deny {
        /// The approval's id.
        id: String,
        /// You did not start this sign-in: the site is told, and approvals for the account pause.
        #[arg(long)]
        not_me: bool,
    },
    /// Print sign-ins as they arrive, until interrupted.
    Watch {
        /// Print one JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

fn protocol_failure(error: ProtocolError) -> Failure {
    match error {
        ProtocolError::Unreachable { .. } | ProtocolError::NoRandomness => Failure::other(error),
        ProtocolError::Refused { status, .. } if status >= 500 => Failure::other(error),
        _ => Failure::bad_input(error),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::other(format!("cannot start: {error}")))
}

/// The vault's enrollments.
fn enrollments(vault: &Vault) -> Result<Vec<(ApprovalServerId, Enrolled)>, Failure> {
    vault
        .approval_servers()
        .map_err(vault_failure)?
        .into_iter()
        .map(|(id, bytes)| Ok((id, Enrolled::from_bytes(&bytes).map_err(protocol_failure)?)))
        .collect()
}

/// The vault's servers as one inbox; refused when there is none.
fn inbox(vault: &Vault, client: &Client) -> Result<Inbox<ApprovalServerId>, Failure> {
    let inbox = Inbox::of_enrolled(enrollments(vault)?, client);
    if inbox.is_empty() {
        return Err(Failure::bad_input(
            "this vault is not enrolled with any approval server: enroll with 'tessera approvals enroll <link>'",
        ));
    }
    Ok(inbox)
}

/// Runs an approvals command.
pub fn run(command: ApprovalsCommand, options: &VaultOptions) -> Result<(), Failure> {
    let runtime = runtime()?;
    let client = Client::new();
    match command {
        ApprovalsCommand::Enroll { link, name } => {
            let text = crate::input::link(&link)?;
            if PushLink::is_push_link(&text) {
                return enroll_push_token(&text, options, &runtime, &client);
            }
            let link = EnrollLink::parse(&text).map_err(Failure::bad_input)?;
            let mut vault = options.unlock()?;
            let name = name.unwrap_or_else(|| tessera_push::default_device_name("tessera"));
            let enrollment = runtime
                .block_on(client.enroll(&link, &name, None))
                .map_err(protocol_failure)?;
            let id = vault
                .add_approval_server(&enrollment.to_bytes())
                .map_err(vault_failure)?;
            println!(
                "enrolled {id}\t{} as {}\t{}",
                enrollment.relying_party, enrollment.account, enrollment.server
            );
            Ok(())
        }
        ApprovalsCommand::Servers => {
            let vault = options.unlock()?;
            for (id, enrolled) in enrollments(&vault)? {
                match enrolled {
                    Enrolled::Tessera(enrollment) => println!(
                        "{id}\tTessera\t{}\t{}\t{}\tdevice {}",
                        enrollment.relying_party,
                        enrollment.account,
                        enrollment.server,
                        enrollment.device_id
                    ),
                    Enrolled::PrivacyIdea(token) => println!(
                        "{id}\tprivacyIDEA\t{}\t{}\t{}\tpush token",
                        token.issuer, token.serial, token.url
                    ),
                }
            }
            Ok(())
        }
        ApprovalsCommand::Unenroll { server } => {
            let mut vault = options.unlock()?;
            let inbox = inbox(&vault, &client)?;
            let Some(source) = inbox.source(&server) else {
                return Err(Failure::bad_input(format!(
                    "there is no approval server {server}: see 'tessera approvals servers'"
                )));
            };
            let (origin, (relying_party, _)) = (source.server().to_string(), source.account());
            let relying_party = relying_party.to_string();
            runtime
                .block_on(inbox.leave(&server))
                .map_err(protocol_failure)?;
            vault
                .remove_approval_server(server)
                .map_err(vault_failure)?;
            println!("unenrolled {server}\t{relying_party}\t{origin}");
            Ok(())
        }
        ApprovalsCommand::List { json } => {
            let vault = options.unlock()?;
            let inbox = inbox(&vault, &client)?;
            let waiting = runtime.block_on(inbox.pending());
            if let Some((_, error)) = waiting.unreachable.into_iter().next() {
                return Err(protocol_failure(error));
            }
            let all: Vec<(&str, Approval)> = waiting
                .approvals
                .into_iter()
                .map(|(server, approval)| (source_name(&inbox, &server), approval))
                .collect();
            if json {
                let listed: Vec<serde_json::Value> = all
                    .iter()
                    .map(|(source, approval)| with_source(approval, source))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&listed).unwrap_or_default()
                );
            } else {
                for (source, approval) in &all {
                    println!("{}", summary(approval, source));
                }
                if all.is_empty() {
                    eprintln!("tessera: no sign-ins are waiting");
                }
            }
            Ok(())
        }
        ApprovalsCommand::Show { id, json } => {
            let vault = options.unlock()?;
            let (_, approval) = runtime.block_on(find(&inbox(&vault, &client)?, &id))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&approval).unwrap_or_default()
                );
            } else {
                print!("{}", details(&approval));
            }
            Ok(())
        }
        ApprovalsCommand::Approve { id, number } => {
            let vault = options.unlock()?;
            // A vault that asked for its password (or recovery code) just now verified the user,
            // which a sign-in without a password needs; one that opens without asking did not.
            let verified = !vault.opens_without_asking().map_err(vault_failure)?;
            let inbox = inbox(&vault, &client)?;
            let outcome = runtime.block_on(async {
                let (server, approval) = find(&inbox, &id).await?;
                let approve = approval_answer(&approval, number.as_deref(), verified)?;
                answer_at(&inbox, &server, &id, approve).await
            })?;
            report(&id, outcome)
        }
        ApprovalsCommand::Deny { id, not_me } => {
            let vault = options.unlock()?;
            let reason = if not_me {
                DenyReason::NotMe
            } else {
                DenyReason::Declined
            };
            let inbox = inbox(&vault, &client)?;
            let outcome = runtime.block_on(async {
                let (server, _) = find(&inbox, &id).await?;
                answer_at(&inbox, &server, &id, Answer::Deny { reason }).await
            })?;
            report(&id, outcome)
        }
        ApprovalsCommand::Watch { json } => {
            let vault = options.unlock()?;
            let inbox = inbox(&vault, &client)?;
            drop(vault);
            runtime.block_on(watch(&inbox, json))
        }
    }
}

/// Finds a sign-in by id, at whichever server has it.
async fn find(
    inbox: &Inbox<ApprovalServerId>,
    id: &str,
) -> Result<(ApprovalServerId, Approval), Failure> {
    inbox.find(id).await.map_err(|not_found| match not_found {
        NotFound::Unreachable(error) => protocol_failure(error),
        NotFound::Nowhere => Failure::bad_input(format!(
            "no waiting sign-in has the id {id}: see 'tessera approvals list'"
        )),
    })
}

/// Answers a sign-in at the server that has it.
async fn answer_at(
    inbox: &Inbox<ApprovalServerId>,
    server: &ApprovalServerId,
    id: &str,
    answer: Answer,
) -> Result<Outcome, Failure> {
    let source = inbox
        .source(server)
        .ok_or_else(|| Failure::other("the approval server left the inbox"))?;
    source.answer(id, answer).await.map_err(protocol_failure)
}

/// The approving answer `--number` gives for this sign-in, or why it does not fit.
fn approval_answer(
    approval: &Approval,
    number: Option<&str>,
    verified: bool,
) -> Result<Answer, Failure> {
    match (approval.mode, number) {
        (NumberMode::NoNumber, None) => Ok(Answer::Confirm),
        (NumberMode::NoNumber, Some(_)) => Err(Failure::bad_input(
            "this sign-in has no number to match: approve it without --number",
        )),
        (NumberMode::Pick, Some(given)) => approval
            .option_index(given)
            .map(|index| Answer::ApproveOption { index })
            .ok_or_else(|| {
                Failure::bad_input(format!(
                    "{given} is not one of the choices: pick the one the sign-in page shows ({})",
                    approval.options.join(", ")
                ))
            }),
        (NumberMode::Pick, None) => Err(Failure::bad_input(format!(
            "this sign-in needs the choice the sign-in page shows: --number <{}>",
            approval.options.join("|")
        ))),
        (NumberMode::Typed | NumberMode::Choose, given) => {
            let number = given
                .and_then(|given| given.trim().parse::<u8>().ok())
                .ok_or_else(|| {
                    Failure::bad_input(
                        "this sign-in needs the number the sign-in screen shows: --number <0-99>",
                    )
                })?;
            Ok(if verified {
                Answer::ApproveVerified { number }
            } else {
                Answer::Approve { number }
            })
        }
    }
}

/// Enrolls a privacyIDEA push token from its link and seals it in the vault.
fn enroll_push_token(
    text: &str,
    options: &VaultOptions,
    runtime: &tokio::runtime::Runtime,
    client: &Client,
) -> Result<(), Failure> {
    let link = PushLink::parse(text).map_err(Failure::bad_input)?;
    eprintln!(
        "tessera: privacyIDEA push token {} from {} at {}",
        link.serial, link.issuer, link.url
    );
    let mut vault = options.unlock()?;
    let token = runtime
        .block_on(privacyidea::enroll(client, &link))
        .map_err(protocol_failure)?;
    let enrolled = Enrolled::PrivacyIdea(token);
    let known = enrollments(&vault)?;
    let id = vault
        .add_approval_server(&enrolled.to_bytes())
        .map_err(vault_failure)?;
    // The same token enrolled again (its administrator rolled it anew): the old keys answer
    // nothing at the server any more.
    for (stale, _) in known.iter().filter(|(_, other)| other.same_as(&enrolled)) {
        vault
            .remove_approval_server(*stale)
            .map_err(vault_failure)?;
        eprintln!("tessera: the token enrolled before as {stale} was replaced");
    }
    if let Enrolled::PrivacyIdea(token) = &enrolled {
        println!(
            "enrolled {id}\tprivacyIDEA push token {} from {}\t{}",
            token.serial, token.issuer, token.url
        );
    }
    Ok(())
}

/// How the command line names the kind of server `server` is.
fn source_name(inbox: &Inbox<ApprovalServerId>, server: &ApprovalServerId) -> &'static str {
    inbox
        .source(server)
        .map_or("", |source| source.kind().name())
}

/// The approval as JSON, with the kind of server it came from.
fn with_source(approval: &Approval, source: &str) -> serde_json::Value {
    let mut value = serde_json::to_value(approval).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("source".into(), source.into());
    }
    value
}

fn report(id: &str, outcome: Outcome) -> Result<(), Failure> {
    match (outcome.status, outcome.reason) {
        (Status::Approved, _) => {
            println!("approved {id}");
            Ok(())
        }
        (_, Some(DenyReason::WrongNumber)) => Err(Failure::other(format!(
            "denied {id}: the number did not match the sign-in screen, so the sign-in was refused for good"
        ))),
        (_, Some(DenyReason::NotMe)) => {
            println!("denied {id}");
            eprintln!(
                "tessera: the site was told this sign-in was not you; approvals for the account are paused for a while"
            );
            Ok(())
        }
        _ => {
            println!("denied {id}");
            Ok(())
        }
    }
}

fn summary(approval: &Approval, source: &str) -> String {
    let left = approval.expires_at - now();
    format!(
        "{}\t{source}\t{}\t{}\t{}\texpires in {} s",
        approval.id,
        approval.relying_party,
        approval.account,
        origin(approval),
        left.max(0)
    )
}

fn origin(approval: &Approval) -> String {
    let context = &approval.context;
    [
        context.browser.as_deref(),
        context.application.as_deref(),
        context.place.as_deref(),
        context.ip.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

fn details(approval: &Approval) -> String {
    let context = &approval.context;
    let mut text = format!(
        "Sign-in to {} ({}) as {}\n",
        context.site, approval.relying_party, approval.account
    );
    for (label, value) in [
        ("Application", &context.application),
        ("Browser", &context.browser),
        ("From", &context.place),
        ("IP address", &context.ip),
    ] {
        if let Some(value) = value {
            text.push_str(&format!("{label}: {value}\n"));
        }
    }
    if let Some(question) = &approval.question {
        text.push_str(&format!("Question: {question}\n"));
    }
    if approval.passwordless {
        text.push_str("Without a password: approving needs a vault that asks for its password\n");
    }
    match (approval.mode, approval.choices) {
        (NumberMode::NoNumber, _) => text.push_str(
            "Nothing to match: tessera approvals approve <id>, or deny <id>\n",
        ),
        (NumberMode::Pick, _) => text.push_str(&format!(
            "Pick the one the sign-in page shows: {} (tessera approvals approve <id> --number <choice>)\n",
            approval.options.join(" ")
        )),
        (_, Some(choices)) => text.push_str(&format!(
            "Pick the number the sign-in screen shows: {} {} {}\n",
            choices[0], choices[1], choices[2]
        )),
        (_, None) => text.push_str("Type the number the sign-in screen shows: tessera approvals approve <id> --number <n>\n"),
    }
    text.push_str(&format!(
        "Expires in {} s\n",
        (approval.expires_at - now()).max(0)
    ));
    text
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Follows every server's event stream, printing each new sign-in as it arrives; each server
/// is reconnected after a dropped connection, waiting longer each time (up to a minute).
async fn watch(inbox: &Inbox<ApprovalServerId>, json: bool) -> Result<(), Failure> {
    let news = |server: &ApprovalServerId, event: Followed| match event {
        Followed::Arrived(approval) => {
            let source = source_name(inbox, server);
            let line = if json {
                with_source(&approval, source).to_string()
            } else {
                summary(&approval, source)
            };
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        Followed::Lost { error, retry_in } => {
            eprintln!("tessera: {error}; trying again in {} s", retry_in.as_secs())
        }
        Followed::Dropped(why) => {
            let origin = inbox.source(server).map_or("", |source| source.server());
            eprintln!("tessera: dropped a challenge from {origin}: {why}")
        }
        Followed::Reached => {}
    };
    for (server, error) in inbox.follow(&news).await {
        let origin = inbox.source(&server).map_or("", |source| source.server());
        eprintln!("tessera: {origin} stopped: {error}");
    }
    Err(Failure::other("no approval server can be reached any more"))
}
