//! Every server a device is enrolled with, as one inbox: the sign-ins waiting on any of them,
//! answering one where it came from, leaving a server, and following them all while the app (or
//! `tessera approvals watch`) is open. The app and the command line both use it, so neither knows
//! how many servers there are or what kind.
//!
//! A server is an [`ApprovalSource`]; a Tessera approval server is [`TesseraServer`], a
//! privacyIDEA push token is [`PrivacyIdeaToken`](crate::privacyidea::PrivacyIdeaToken).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::future::join_all;

use crate::approval::{Answer, Approval, Outcome};
use crate::{Client, Enrolled, Enrollment, ProtocolError, ServerEvent};

/// What a source's work comes back with.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProtocolError>> + Send + 'a>>;

/// What following a source tells the inbox's owner as it happens.
#[derive(Debug)]
pub enum Followed {
    /// The source was reached: from now on, new sign-ins arrive as they are asked for.
    Reached,
    /// A sign-in arrived.
    Arrived(Approval),
    /// Something the server sent was dropped unseen (a challenge its key did not sign): why.
    Dropped(String),
    /// The connection was lost or could not be made; the next try is in `retry_in`.
    Lost {
        /// Why.
        error: ProtocolError,
        /// How long until the next try.
        retry_in: Duration,
    },
}

/// Tells whoever follows the inbox what happened, and at which source.
pub type FollowNews<'a, K> = &'a (dyn Fn(&K, Followed) + Sync);

/// What kind of server a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A Tessera approval server.
    Tessera,
    /// A privacyIDEA server, through one of its push tokens.
    PrivacyIdea,
}

impl SourceKind {
    /// As the command line names it.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Tessera => "Tessera",
            SourceKind::PrivacyIdea => "privacyIDEA",
        }
    }
}

/// A server that asks this device to approve sign-ins.
pub trait ApprovalSource: Send + Sync {
    /// What kind of server it is.
    fn kind(&self) -> SourceKind;
    /// The server's origin, as the user checks it.
    fn server(&self) -> &str;
    /// The relying party's name and the user's account there.
    fn account(&self) -> (&str, &str);
    /// The sign-ins waiting, oldest first.
    fn pending(&self) -> Reply<'_, Vec<Approval>>;
    /// One sign-in, by its id at this source (`Refused` with status 404 when there is none).
    fn fetch<'a>(&'a self, id: &'a str) -> Reply<'a, Approval>;
    /// Answers a sign-in.
    fn answer<'a>(&'a self, id: &'a str, answer: Answer) -> Reply<'a, Outcome>;
    /// Asks the server to forget this device.
    fn leave(&self) -> Reply<'_, ()>;
    /// Follows the source until it says this device may not follow any more (the error), telling
    /// `news` of each sign-in as it arrives and of each lost connection; reconnects on its own.
    fn follow<'a>(&'a self, news: &'a (dyn Fn(Followed) + Sync)) -> Reply<'a, ()>;
}

/// Every source, each under the caller's key for it (the vault's id of the enrollment).
pub struct Inbox<K> {
    sources: Vec<(K, Box<dyn ApprovalSource>)>,
}

/// The sign-ins waiting across the inbox, and the sources that could not be asked.
pub struct Waiting<K> {
    /// Oldest first.
    pub approvals: Vec<(K, Approval)>,
    /// The sources that failed, with why.
    pub unreachable: Vec<(K, ProtocolError)>,
}

/// Why a sign-in could not be found.
#[derive(Debug)]
pub enum NotFound {
    /// No source has it.
    Nowhere,
    /// No source that answered has it; this one could not be asked.
    Unreachable(ProtocolError),
}

impl<K: Clone + PartialEq + Send + Sync> Inbox<K> {
    /// An inbox over these sources.
    pub fn new(sources: Vec<(K, Box<dyn ApprovalSource>)>) -> Inbox<K> {
        Inbox { sources }
    }

    /// The servers of these enrollments, of whichever kind, all reached with `client`.
    pub fn of_enrolled(enrollments: Vec<(K, Enrolled)>, client: &Client) -> Inbox<K> {
        Inbox::new(
            enrollments
                .into_iter()
                .map(|(key, enrolled)| (key, enrolled.into_source(client)))
                .collect(),
        )
    }

    /// Whether there is no source at all.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Each source with its key.
    pub fn sources(&self) -> impl Iterator<Item = (&K, &dyn ApprovalSource)> {
        self.sources
            .iter()
            .map(|(key, source)| (key, source.as_ref()))
    }

    /// The source under `key`.
    pub fn source(&self, key: &K) -> Option<&dyn ApprovalSource> {
        self.sources()
            .find(|(candidate, _)| *candidate == key)
            .map(|(_, source)| source)
    }

    /// Every waiting sign-in, all sources asked at once; oldest first.
    pub async fn pending(&self) -> Waiting<K> {
        let asked = join_all(
            self.sources
                .iter()
                .map(|(key, source)| async move { (key.clone(), source.pending().await) }),
        )
        .await;
        let mut waiting = Waiting {
            approvals: Vec::new(),
            unreachable: Vec::new(),
        };
        for (key, answer) in asked {
            match answer {
                Ok(approvals) => waiting.approvals.extend(
                    approvals
                        .into_iter()
                        .map(|approval| (key.clone(), approval)),
                ),
                Err(error) => waiting.unreachable.push((key, error)),
            }
        }
        waiting
            .approvals
            .sort_by_key(|(_, approval)| approval.created_at);
        waiting
    }

    /// Finds a sign-in by id, at whichever source has it (the command line knows only the id).
    pub async fn find(&self, id: &str) -> Result<(K, Approval), NotFound> {
        let mut failed = None;
        for (key, source) in &self.sources {
            match source.fetch(id).await {
                Ok(approval) => return Ok((key.clone(), approval)),
                Err(ProtocolError::Refused { status: 404, .. }) => {}
                Err(error) => failed = Some(error),
            }
        }
        Err(failed.map_or(NotFound::Nowhere, NotFound::Unreachable))
    }

    /// Leaves the source under `key`. A server that has already forgotten this device (it was
    /// revoked, or the server's database was reset) counts as left.
    pub async fn leave(&self, key: &K) -> Result<(), ProtocolError> {
        let Some(source) = self.source(key) else {
            return Ok(());
        };
        match source.leave().await {
            Err(ProtocolError::Refused { code, .. }) if is_forgotten(&code) => Ok(()),
            other => other,
        }
    }

    /// Follows every source at once until each has stopped, telling `news` what happens. Returns
    /// why each stopped.
    pub async fn follow(&self, news: FollowNews<'_, K>) -> Vec<(K, ProtocolError)> {
        let followed = join_all(self.sources.iter().map(|(key, source)| async move {
            let told = |event: Followed| news(key, event);
            (key.clone(), source.follow(&told).await)
        }))
        .await;
        followed
            .into_iter()
            .filter_map(|(key, ended)| ended.err().map(|error| (key, error)))
            .collect()
    }
}

/// The server's words for "this device is not enrolled here (any more)".
fn is_forgotten(code: &str) -> bool {
    code == "device_revoked" || code == "unknown_device"
}

/// The first wait after a lost connection; it doubles each time, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// The waits between tries after a lost connection: 1 s, doubling, up to a minute.
pub(crate) fn backoff() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(FIRST_WAIT), |wait| Some((*wait * 2).min(LONGEST_WAIT)))
}

/// A Tessera approval server, reached with the enrollment sealed in the vault.
pub struct TesseraServer {
    enrollment: Enrollment,
    client: Client,
}

impl TesseraServer {
    /// The server of this enrollment, reached with this client.
    pub fn new(enrollment: Enrollment, client: Client) -> TesseraServer {
        TesseraServer { enrollment, client }
    }

    /// The enrollment it is reached with.
    pub fn enrollment(&self) -> &Enrollment {
        &self.enrollment
    }

    /// Follows the event stream until it ends or fails: the error of a failure.
    async fn follow_once(&self, news: &(dyn Fn(Followed) + Sync)) -> ProtocolError {
        let mut stream = match self.client.events(&self.enrollment).await {
            Ok(stream) => stream,
            Err(error) => return error,
        };
        news(Followed::Reached);
        loop {
            match stream.next().await {
                Ok(Some(ServerEvent::Approval(id))) => {
                    // One answered or withdrawn meanwhile is simply not shown.
                    if let Ok(approval) = self.client.fetch(&self.enrollment, &id).await {
                        news(Followed::Arrived(approval));
                    }
                }
                Ok(None) => {
                    return ProtocolError::Unreachable {
                        server: self.enrollment.server.clone(),
                        detail: "the server closed the connection".into(),
                    };
                }
                Err(error) => return error,
            }
        }
    }
}

/// The sign-ins already told while following one source, the newest [`REMEMBERED`].
#[derive(Default)]
pub(crate) struct Announced {
    ids: std::collections::VecDeque<String>,
}

/// How many sign-ins a follower remembers having told: far more than are ever pending at once.
const REMEMBERED: usize = 256;

impl Announced {
    /// Whether `id` is told for the first time (and remembers it).
    pub(crate) fn first_time(&mut self, id: &str) -> bool {
        if self.ids.iter().any(|told| told == id) {
            return false;
        }
        if self.ids.len() == REMEMBERED {
            self.ids.pop_front();
        }
        self.ids.push_back(id.to_string());
        true
    }
}

/// Whether following a server after this error would only be refused again.
fn ends_following(error: &ProtocolError) -> bool {
    matches!(
        error,
        ProtocolError::Refused {
            status: 401 | 403,
            ..
        }
    ) || matches!(error, ProtocolError::Refused { code, .. } if is_forgotten(code))
        || matches!(error, ProtocolError::DamagedKey)
}

impl ApprovalSource for TesseraServer {
    fn kind(&self) -> SourceKind {
        SourceKind::Tessera
    }

    fn server(&self) -> &str {
        &self.enrollment.server
    }

    fn account(&self) -> (&str, &str) {
        (&self.enrollment.relying_party, &self.enrollment.account)
    }

    fn pending(&self) -> Reply<'_, Vec<Approval>> {
        Box::pin(self.client.pending(&self.enrollment))
    }

    fn fetch<'a>(&'a self, id: &'a str) -> Reply<'a, Approval> {
        Box::pin(self.client.fetch(&self.enrollment, id))
    }

    fn answer<'a>(&'a self, id: &'a str, answer: Answer) -> Reply<'a, Outcome> {
        Box::pin(self.client.answer(&self.enrollment, id, answer))
    }

    fn leave(&self) -> Reply<'_, ()> {
        Box::pin(self.client.unenroll(&self.enrollment))
    }

    fn follow<'a>(&'a self, news: &'a (dyn Fn(Followed) + Sync)) -> Reply<'a, ()> {
        Box::pin(async move {
            let mut waits = backoff();
            // A server sends what is pending each time the stream opens: a sign-in told once is
            // not told again after a reconnect.
            let told_before = Mutex::new(Announced::default());
            loop {
                let reached = AtomicBool::new(false);
                let told = |event: Followed| {
                    match &event {
                        Followed::Reached => reached.store(true, Ordering::Relaxed),
                        Followed::Arrived(approval) => {
                            let first_time = told_before
                                .lock()
                                .is_ok_and(|mut told| told.first_time(&approval.id));
                            if !first_time {
                                return;
                            }
                        }
                        Followed::Lost { .. } | Followed::Dropped(_) => {}
                    }
                    news(event);
                };
                let error = self.follow_once(&told).await;
                if ends_following(&error) {
                    return Err(error);
                }
                if reached.load(Ordering::Relaxed) {
                    waits = backoff();
                }
                let retry_in = waits.next().unwrap_or(LONGEST_WAIT);
                news(Followed::Lost { error, retry_in });
                tokio::time::sleep(retry_in).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_told_once_and_the_memory_stays_bounded() {
        let mut told = Announced::default();
        assert!(told.first_time("a"));
        assert!(!told.first_time("a"));
        for index in 0..REMEMBERED {
            assert!(told.first_time(&index.to_string()));
        }
        assert_eq!(told.ids.len(), REMEMBERED);
        assert!(told.first_time("a"), "the oldest is forgotten first");
    }

    #[test]
    fn the_waits_double_up_to_a_minute() {
        let waits: Vec<u64> = backoff().take(8).map(|wait| wait.as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn following_stops_only_when_the_server_will_refuse_again() {
        let refused = |status, code: &str| ProtocolError::Refused {
            status,
            code: code.into(),
            message: String::new(),
        };
        assert!(ends_following(&refused(401, "bad_signature")));
        assert!(ends_following(&refused(410, "device_revoked")));
        assert!(ends_following(&ProtocolError::DamagedKey));
        assert!(!ends_following(&refused(503, "unavailable")));
        assert!(!ends_following(&ProtocolError::Unreachable {
            server: "http://127.0.0.1:1".into(),
            detail: "refused".into(),
        }));
    }
}
