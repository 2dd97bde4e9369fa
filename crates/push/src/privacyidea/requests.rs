//! The phone's requests to privacyIDEA's `/ttype/push`, as forms, each signed with the phone's
//! key: completing an enrollment, polling for challenges, accepting, declining, and giving the
//! server a new push token. privacyIDEA answers each with its JSON envelope
//! (`{"result": {"status", "value"}, "detail": …}`), which is read here and nowhere else.

use base64::Engine;
use serde_json::Value;

use super::{PhoneKey, PushLink, PushToken, ServerKey, signed};
use crate::client::{REQUEST_TIMEOUT, read_capped, unreachable};
use crate::{Client, ProtocolError};

/// What the phone sends as its push token when no push service can wake it: it polls.
const NO_PUSH_TOKEN: &str = "no_firebase_token";

/// Completes the enrollment of `link`'s token: makes the phone's key, sends its public half with
/// the one-time credential, and pins the key the server answers with.
pub async fn enroll(client: &Client, link: &PushLink) -> Result<PushToken, ProtocolError> {
    let key = tokio::task::spawn_blocking(PhoneKey::generate)
        .await
        .map_err(|_| ProtocolError::NoRandomness)??;
    let public = base64::engine::general_purpose::STANDARD.encode(key.public_spki());
    let form = [
        ("enrollment_credential", link.enrollment_credential.as_str()),
        ("serial", link.serial.as_str()),
        ("fbtoken", NO_PUSH_TOKEN),
        ("pubkey", public.as_str()),
    ];
    let answer = send(client, link.url.as_str(), Method::Post(&form)).await?;
    let detail = answer.get("detail");
    let state = detail.and_then(|detail| detail.get("rollout_state"));
    if state.and_then(Value::as_str) != Some("enrolled") {
        return Err(ProtocolError::UnexpectedAnswer(
            "the server did not finish the enrollment".into(),
        ));
    }
    let server_key = detail
        .and_then(|detail| detail.get("public_key"))
        .and_then(Value::as_str)
        .ok_or_else(|| ProtocolError::UnexpectedAnswer("no server key in the answer".into()))?;
    Ok(PushToken {
        url: link.url.to_string(),
        serial: link.serial.clone(),
        issuer: link.issuer.clone(),
        label: link.label.clone(),
        key,
        server_key: ServerKey::from_base64(server_key)?,
        enrolled_at: crate::client::now(),
    })
}

/// The challenges waiting for the token, as the server sent them (unchecked).
pub async fn poll(client: &Client, token: &PushToken) -> Result<Vec<Value>, ProtocolError> {
    let timestamp = iso_timestamp(std::time::SystemTime::now());
    let signature = sign(&token.key, &signed::poll(&token.serial, &timestamp))?;
    let query = [
        ("serial", token.serial.as_str()),
        ("timestamp", timestamp.as_str()),
        ("signature", signature.as_str()),
    ];
    let answer = send(client, &token.url, Method::Get(&query)).await?;
    match answer.pointer("/result/value") {
        Some(Value::Array(challenges)) => Ok(challenges.clone()),
        _ => Err(ProtocolError::UnexpectedAnswer(
            "a poll answered without a list of challenges".into(),
        )),
    }
}

/// Accepts a challenge (with the presence answer the user picked, if it asks for one): whether
/// the server took it.
pub async fn accept(
    client: &Client,
    token: &PushToken,
    nonce: &str,
    presence_answer: Option<&str>,
) -> Result<bool, ProtocolError> {
    let signature = sign(
        &token.key,
        &signed::accept(nonce, &token.serial, presence_answer),
    )?;
    let mut form = vec![
        ("serial", token.serial.as_str()),
        ("nonce", nonce),
        ("signature", signature.as_str()),
    ];
    if let Some(answer) = presence_answer {
        form.push(("presence_answer", answer));
    }
    value_of(send(client, &token.url, Method::Post(&form)).await?)
}

/// Declines a challenge, with privacyIDEA's reason where the server takes one: whether the
/// server took it.
pub async fn decline(
    client: &Client,
    token: &PushToken,
    nonce: &str,
    reason: Option<&str>,
) -> Result<bool, ProtocolError> {
    let signature = sign(&token.key, &signed::decline(nonce, &token.serial, reason))?;
    let mut form = vec![
        ("serial", token.serial.as_str()),
        ("nonce", nonce),
        ("signature", signature.as_str()),
        ("decline", "1"),
    ];
    if let Some(reason) = reason {
        form.push(("decline_reason", reason));
    }
    value_of(send(client, &token.url, Method::Post(&form)).await?)
}

/// Tells the server the token's new push address (after the push service rotated it).
pub async fn update_push_token(
    client: &Client,
    token: &PushToken,
    new_token: &str,
) -> Result<(), ProtocolError> {
    let timestamp = iso_timestamp(std::time::SystemTime::now());
    let signature = sign(
        &token.key,
        &signed::push_token_update(new_token, &token.serial, &timestamp),
    )?;
    let form = [
        ("new_fb_token", new_token),
        ("serial", token.serial.as_str()),
        ("timestamp", timestamp.as_str()),
        ("signature", signature.as_str()),
    ];
    match value_of(send(client, &token.url, Method::Post(&form)).await?)? {
        true => Ok(()),
        false => Err(ProtocolError::UnexpectedAnswer(
            "the server did not take the new push address".into(),
        )),
    }
}

fn sign(key: &PhoneKey, text: &str) -> Result<String, ProtocolError> {
    Ok(signed::to_base32(&key.sign(text)?))
}

enum Method<'a> {
    Get(&'a [(&'a str, &'a str)]),
    Post(&'a [(&'a str, &'a str)]),
}

/// Sends one request and reads privacyIDEA's envelope: its error in its own words when
/// `result.status` is false or the HTTP status is not a success.
async fn send(client: &Client, url: &str, method: Method<'_>) -> Result<Value, ProtocolError> {
    let origin = origin_of(url);
    let request = match method {
        Method::Get(query) => client.http().get(url).query(query),
        Method::Post(form) => client.http().post(url).form(form),
    };
    let response = request
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|error| unreachable(&origin, &error))?;
    client.read_clock(&origin, &response);
    let status = response.status();
    let body = read_capped(response, &origin).await?;
    let envelope: Value = serde_json::from_slice(&body).map_err(|_| {
        ProtocolError::UnexpectedAnswer(format!("HTTP {status} without privacyIDEA's JSON"))
    })?;
    if status.is_success() && envelope.pointer("/result/status") == Some(&Value::Bool(true)) {
        return Ok(envelope);
    }
    let error = envelope.pointer("/result/error");
    let code = error
        .and_then(|error| error.get("code"))
        .map_or_else(|| "unknown".to_string(), Value::to_string);
    let message = error
        .and_then(|error| error.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("no reason given");
    Err(ProtocolError::Refused {
        status: status.as_u16(),
        code: format!("privacyidea_{code}"),
        message: message.chars().take(300).collect(),
    })
}

fn value_of(envelope: Value) -> Result<bool, ProtocolError> {
    envelope
        .pointer("/result/value")
        .and_then(Value::as_bool)
        .ok_or_else(|| ProtocolError::UnexpectedAnswer("an answer without a value".into()))
}

/// The scheme, host and port of `url`, as errors and the clock check name the server.
pub(crate) fn origin_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| url.to_string(),
        |url| url.origin().ascii_serialization(),
    )
}

/// The time as privacyIDEA reads it: ISO 8601 in UTC with microseconds
/// (`2026-11-21T21:46:01.123456+00:00`).
pub(crate) fn iso_timestamp(time: std::time::SystemTime) -> String {
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since.as_secs() as i64;
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let of_era = shifted.rem_euclid(146_097);
    let year_of_era = (of_era - of_era / 1460 + of_era / 36_524 - of_era / 146_096) / 365;
    let day_of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_are_iso_8601_in_utc_with_microseconds() {
        let at = |seconds: u64, micros: u64| {
            iso_timestamp(UNIX_EPOCH + Duration::from_secs(seconds) + Duration::from_micros(micros))
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000+00:00");
        // `date -u -d @1795297561` → Sat Nov 21 21:46:01 UTC 2026.
        assert_eq!(
            at(1_795_297_561, 123_456),
            "2026-11-21T21:46:01.123456+00:00"
        );
        // A leap day.
        assert_eq!(at(951_782_400, 1), "2000-02-29T00:00:00.000001+00:00");
    }

    #[test]
    fn the_origin_names_the_server_without_its_path() {
        assert_eq!(
            origin_of("http://127.0.0.1:5055/ttype/push"),
            "http://127.0.0.1:5055"
        );
    }
}
