//! The order in which pictures are tried: cheap first, fallbacks after, first success wins.
//!
//! Each [`Attempt`] is a preparation of the picture and a decoder. Prepared pictures are made once
//! and shared by the attempts that use them. The order comes from the benchmark corpus
//! (`crates/core/benches/qr/`): see `docs/qr.md`.

use super::engines::rxing::Effort;
use super::engines::{rqrr, rxing};
use super::{Decoded, Grey, prepare};

/// How the picture is prepared before decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preparation {
    /// As it is.
    Original,
    /// Half the size, for large frames (skipped for small pictures).
    Half,
    /// Light and dark swapped.
    Inverted,
    /// Contrast stretched.
    Stretched,
    /// Thresholded against the local mean.
    Thresholded,
    /// Smoothed by a 3×3 box blur.
    Smoothed,
}

/// Which decoder runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// rxing's quick pass.
    RxingQuick,
    /// rxing trying harder, light-on-dark codes included.
    RxingHard,
    /// rqrr (quirc).
    Rqrr,
}

/// One step of the cascade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The preparation.
    pub preparation: Preparation,
    /// The decoder.
    pub engine: Engine,
}

const fn attempt(preparation: Preparation, engine: Engine) -> Attempt {
    Attempt {
        preparation,
        engine,
    }
}

/// Tessera's cascade.
pub const CASCADE: [Attempt; 12] = [
    attempt(Preparation::Half, Engine::RxingQuick),
    attempt(Preparation::Original, Engine::RxingQuick),
    attempt(Preparation::Original, Engine::Rqrr),
    attempt(Preparation::Original, Engine::RxingHard),
    attempt(Preparation::Stretched, Engine::RxingHard),
    attempt(Preparation::Inverted, Engine::Rqrr),
    attempt(Preparation::Stretched, Engine::Rqrr),
    attempt(Preparation::Smoothed, Engine::RxingHard),
    attempt(Preparation::Thresholded, Engine::Rqrr),
    attempt(Preparation::Thresholded, Engine::RxingHard),
    attempt(Preparation::Smoothed, Engine::Rqrr),
    attempt(Preparation::Half, Engine::Rqrr),
];

/// Frames at least this tall are tried at half size first.
const HALF_FROM_HEIGHT: usize = 900;

/// What a cascade found, and which attempt found it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The codes, without duplicates, in the order found.
    pub codes: Vec<Decoded>,
    /// The attempt that found them.
    pub found_by: Option<Attempt>,
    /// How many attempts ran.
    pub attempts: usize,
}

/// Runs Tessera's cascade.
pub fn decode(grey: &Grey) -> Outcome {
    decode_with(grey, &CASCADE)
}

/// Runs the given attempts in order until one finds a code.
pub fn decode_with(grey: &Grey, attempts: &[Attempt]) -> Outcome {
    let mut prepared: Vec<(Preparation, Grey)> = Vec::new();
    let mut outcome = Outcome::default();
    for &attempt in attempts {
        if attempt.preparation == Preparation::Half && grey.height < HALF_FROM_HEIGHT {
            continue;
        }
        outcome.attempts += 1;
        let picture = match attempt.preparation {
            Preparation::Original => grey,
            other => {
                if !prepared.iter().any(|(made, _)| *made == other) {
                    prepared.push((other, make(grey, other)));
                }
                prepared
                    .iter()
                    .find(|(made, _)| *made == other)
                    .map_or(grey, |(_, picture)| picture)
            }
        };
        let found = match attempt.engine {
            Engine::RxingQuick => rxing::decode(picture, Effort::Quick),
            Engine::RxingHard => rxing::decode(picture, Effort::Hard),
            Engine::Rqrr => rqrr::decode(picture),
        };
        for bytes in found {
            if !outcome.codes.iter().any(|code| code.bytes == bytes) {
                outcome.codes.push(Decoded::from_bytes(bytes));
            }
        }
        if !outcome.codes.is_empty() {
            outcome.found_by = Some(attempt);
            break;
        }
    }
    outcome
}

fn make(grey: &Grey, preparation: Preparation) -> Grey {
    match preparation {
        Preparation::Original => grey.clone(),
        Preparation::Half => prepare::half(grey),
        Preparation::Inverted => prepare::inverted(grey),
        Preparation::Stretched => prepare::stretched(grey),
        Preparation::Thresholded => {
            prepare::thresholded(grey, (grey.width.min(grey.height) / 40).clamp(4, 40))
        }
        Preparation::Smoothed => prepare::smoothed(grey),
    }
}
