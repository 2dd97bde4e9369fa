//! A privacyIDEA push token as a source of the inbox: its challenges are polled for, checked,
//! and shown like any sign-in; answering goes back to the server the token enrolled with.
//!
//! Where privacyIDEA's own rules leave room, Tessera is stricter: a challenge is answered only
//! when a poll just now returned it signed by the pinned key (so never one the user was not
//! shown), never twice, and a wrong presence answer is followed by a decline, so the challenge
//! ends instead of waiting for the next guess.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::Value;

use super::challenge::{Challenge, Dropped};
use super::{PushToken, requests};
use crate::approval::{Answer, Approval, Context, DenyReason, NumberMode, Outcome, Status};
use crate::inbox::{Announced, Followed, Reply, SourceKind, backoff};
use crate::{ApprovalSource, Client, ProtocolError};

/// How often a token is polled while it is followed: privacyIDEA's own app polls every 3 s in
/// the foreground; one poll costs a signature and under 2 KB (see docs/privacyidea.md).
pub const POLL_INTERVAL: Duration = Duration::from_secs(3);

/// How long privacyIDEA keeps a push challenge open by default (`PushChallengeValidityTime`).
/// The challenge does not say, so this is when the phone expects it to lapse.
const CHALLENGE_LIFETIME: i64 = 120;

/// A push token, reached with a client.
pub struct PrivacyIdeaToken {
    token: PushToken,
    client: Client,
    origin: String,
}

/// What the phone remembers of challenges across the inbox's lifetimes: when each was first
/// seen (its time on the screen) and which were answered (never answered again).
#[derive(Debug, Default)]
pub(crate) struct Remembered {
    challenges: VecDeque<(String, i64, bool)>,
}

/// How many challenges are remembered: far more than are ever open at once.
const REMEMBERED: usize = 256;

impl Remembered {
    /// When the challenge was first seen (now, if it is new).
    fn first_seen(&mut self, nonce: &str, now: i64) -> i64 {
        if let Some((_, seen, _)) = self.challenges.iter().find(|(known, ..)| known == nonce) {
            return *seen;
        }
        if self.challenges.len() == REMEMBERED {
            self.challenges.pop_front();
        }
        self.challenges.push_back((nonce.to_string(), now, false));
        now
    }

    /// Marks it answered; whether it was answered before.
    fn answer(&mut self, nonce: &str, now: i64) -> bool {
        self.first_seen(nonce, now);
        self.challenges
            .iter_mut()
            .find(|(known, ..)| known == nonce)
            .is_some_and(|(.., answered)| std::mem::replace(answered, true))
    }
}

impl PrivacyIdeaToken {
    /// The token, reached with this client.
    pub fn new(token: PushToken, client: Client) -> PrivacyIdeaToken {
        let origin = token.origin();
        PrivacyIdeaToken {
            token,
            client,
            origin,
        }
    }

    /// The token it speaks for.
    pub fn token(&self) -> &PushToken {
        &self.token
    }

    /// Tells the server the token's new push address (after the push service rotated it).
    pub async fn update_push_token(&self, new_token: &str) -> Result<(), ProtocolError> {
        requests::update_push_token(&self.client, &self.token, new_token).await
    }

    /// Polls, and sorts what came into checked challenges and why the others were dropped.
    async fn checked(&self) -> Result<(Vec<Challenge>, Vec<(String, Dropped)>), ProtocolError> {
        let sent = requests::poll(&self.client, &self.token).await?;
        let mut challenges = Vec::new();
        let mut dropped = Vec::new();
        for one in &sent {
            match Challenge::verified(one, &self.token) {
                Ok(challenge) => challenges.push(challenge),
                Err(why) => {
                    let nonce = one.get("nonce").and_then(Value::as_str).unwrap_or_default();
                    dropped.push((nonce.to_string(), why));
                }
            }
        }
        Ok((challenges, dropped))
    }

    /// A challenge a poll just returned, by nonce.
    async fn open_challenge(&self, nonce: &str) -> Result<Challenge, ProtocolError> {
        let (challenges, _) = self.checked().await?;
        challenges
            .into_iter()
            .find(|challenge| challenge.nonce == nonce)
            .ok_or_else(|| ProtocolError::Refused {
                status: 404,
                code: "unknown_approval".into(),
                message: "this sign-in is no longer waiting".into(),
            })
    }

    fn approval(&self, challenge: Challenge) -> Approval {
        let now = crate::client::now();
        let seen = self
            .client
            .privacyidea_memory()
            .lock()
            .map_or(now, |mut memory| memory.first_seen(&challenge.nonce, now));
        Approval {
            id: challenge.nonce,
            relying_party: self.token.issuer.clone(),
            account: self.token.label.clone(),
            context: Context {
                site: challenge.title,
                time: seen,
                ..Context::default()
            },
            mode: if challenge.options.is_empty() {
                NumberMode::NoNumber
            } else {
                NumberMode::Pick
            },
            choices: None,
            options: challenge.options,
            question: Some(challenge.question),
            created_at: seen,
            expires_at: seen + CHALLENGE_LIFETIME,
            passwordless: false,
        }
    }

    async fn answer_challenge(
        &self,
        challenge: &Challenge,
        answer: Answer,
    ) -> Result<Outcome, ProtocolError> {
        let nonce = challenge.nonce.as_str();
        let denied = |reason| Outcome {
            status: Status::Denied,
            reason: Some(reason),
        };
        let approved = Outcome {
            status: Status::Approved,
            reason: None,
        };
        match answer {
            Answer::Confirm if challenge.options.is_empty() => {
                match requests::accept(&self.client, &self.token, nonce, None).await? {
                    true => Ok(approved),
                    false => Err(closed()),
                }
            }
            Answer::ApproveOption { index } if !challenge.options.is_empty() => {
                let option = challenge
                    .options
                    .get(usize::from(index))
                    .ok_or(ProtocolError::AnswerDoesNotFit)?;
                if requests::accept(&self.client, &self.token, nonce, Some(option)).await? {
                    return Ok(approved);
                }
                // privacyIDEA would take another guess: end the challenge instead, and say the
                // number did not match only once it has ended (else the error says why not).
                match requests::decline(&self.client, &self.token, nonce, None).await? {
                    true => Ok(denied(DenyReason::WrongNumber)),
                    false => Err(closed()),
                }
            }
            Answer::Deny { reason } => {
                let not_me = reason == DenyReason::NotMe;
                let told = (not_me && challenge.takes_decline_reason).then_some("unknown_trigger");
                match requests::decline(&self.client, &self.token, nonce, told).await? {
                    true if not_me => Ok(denied(DenyReason::NotMe)),
                    true => Ok(denied(DenyReason::Declined)),
                    false => Err(closed()),
                }
            }
            _ => Err(ProtocolError::AnswerDoesNotFit),
        }
    }
}

/// Whether `answer` is one this challenge takes: Confirm without options, an option that exists
/// with them, a decline always.
fn fits(challenge: &Challenge, answer: &Answer) -> bool {
    match answer {
        Answer::Confirm => challenge.options.is_empty(),
        Answer::ApproveOption { index } => usize::from(*index) < challenge.options.len(),
        Answer::Deny { .. } => true,
        Answer::Approve { .. } | Answer::ApproveVerified { .. } => false,
    }
}

fn closed() -> ProtocolError {
    ProtocolError::Refused {
        status: 409,
        code: "approval_closed".into(),
        message: "this sign-in is no longer waiting".into(),
    }
}

impl ApprovalSource for PrivacyIdeaToken {
    fn kind(&self) -> SourceKind {
        SourceKind::PrivacyIdea
    }

    fn server(&self) -> &str {
        &self.origin
    }

    fn account(&self) -> (&str, &str) {
        (&self.token.issuer, &self.token.label)
    }

    fn pending(&self) -> Reply<'_, Vec<Approval>> {
        Box::pin(async move {
            let (challenges, _) = self.checked().await?;
            let mut approvals: Vec<Approval> = challenges
                .into_iter()
                .map(|challenge| self.approval(challenge))
                .collect();
            approvals.sort_by_key(|approval| approval.created_at);
            Ok(approvals)
        })
    }

    fn fetch<'a>(&'a self, id: &'a str) -> Reply<'a, Approval> {
        Box::pin(async move { Ok(self.approval(self.open_challenge(id).await?)) })
    }

    fn answer<'a>(&'a self, id: &'a str, answer: Answer) -> Reply<'a, Outcome> {
        Box::pin(async move {
            // Only a challenge the pinned key signed, and still open, is answered; an answer
            // that does not fit it is refused before anything is used up.
            let challenge = self.open_challenge(id).await?;
            if !fits(&challenge, &answer) {
                return Err(ProtocolError::AnswerDoesNotFit);
            }
            let answered_before = self
                .client
                .privacyidea_memory()
                .lock()
                .map_or(true, |mut memory| memory.answer(id, crate::client::now()));
            if answered_before {
                return Err(closed());
            }
            // Never given again, not even after an error: a request that timed out may have
            // reached the server, and a second guess is what a wrong number must not get.
            self.answer_challenge(&challenge, answer).await
        })
    }

    fn leave(&self) -> Reply<'_, ()> {
        // A phone cannot remove its token from privacyIDEA; the administrator does.
        Box::pin(async { Ok(()) })
    }

    fn follow<'a>(&'a self, news: &'a (dyn Fn(Followed) + Sync)) -> Reply<'a, ()> {
        Box::pin(async move {
            let mut told = Announced::default();
            let mut waits = backoff();
            let mut reached = false;
            loop {
                match self.checked().await {
                    Ok((challenges, dropped)) => {
                        if !reached {
                            reached = true;
                            waits = backoff();
                            news(Followed::Reached);
                        }
                        for (nonce, why) in dropped {
                            if told.first_time(&format!("dropped {nonce}")) {
                                news(Followed::Dropped(why.to_string()));
                            }
                        }
                        for challenge in challenges {
                            if told.first_time(&challenge.nonce) {
                                news(Followed::Arrived(self.approval(challenge)));
                            }
                        }
                        tokio::time::sleep(POLL_INTERVAL).await;
                    }
                    Err(error @ ProtocolError::DamagedKey) => return Err(error),
                    Err(error) => {
                        reached = false;
                        let retry_in = waits.next().unwrap_or(POLL_INTERVAL);
                        news(Followed::Lost { error, retry_in });
                        tokio::time::sleep(retry_in).await;
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_keeps_the_time_it_was_first_seen_and_is_answered_once() {
        let mut memory = Remembered::default();
        assert_eq!(memory.first_seen("A", 100), 100);
        assert_eq!(memory.first_seen("A", 150), 100);
        assert!(!memory.answer("A", 160));
        assert!(memory.answer("A", 170), "a second answer is refused");
        assert!(!memory.answer("B", 170));
        for index in 0..REMEMBERED {
            memory.first_seen(&index.to_string(), 200);
        }
        assert_eq!(memory.challenges.len(), REMEMBERED);
    }
}
