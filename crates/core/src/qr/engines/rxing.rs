//! rxing, the Rust port of ZXing: its hybrid binarizer copes with uneven light, blur and noise.
//!
//! ZXing decodes byte-mode data into text with a guessed character set (UTF-8 `é` can come back
//! as Latin-1 `é`, or the other way round), so its text is not the payload. Its raw bytes are:
//! Tessera takes those, after checking that the text is their UTF-8 or Latin-1 reading (or that the
//! code declared a character set with an ECI, symbology identifier `]Q2`, `]Q4` or `]Q6`). A
//! result that fails the check is dropped rather than guessed at, and the other decoders get
//! their turn.

use std::collections::HashSet;

use rxing::{
    BarcodeFormat, DecodeHints, RXingResult, RXingResultMetadataType, RXingResultMetadataValue,
};

use super::super::Grey;

/// How hard rxing should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// The quick pass.
    Quick,
    /// `TRY_HARDER`, and light-on-dark codes too.
    Hard,
}

/// Every code rxing finds, as raw payload bytes.
pub fn decode(grey: &Grey, effort: Effort) -> Vec<Vec<u8>> {
    super::guarded(|| {
        let mut hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            TryHarder: Some(effort == Effort::Hard),
            AlsoInverted: Some(effort == Effort::Hard),
            ..DecodeHints::default()
        };
        let Ok(width) = u32::try_from(grey.width) else {
            return Vec::new();
        };
        let Ok(height) = u32::try_from(grey.height) else {
            return Vec::new();
        };
        rxing::helpers::detect_multiple_in_luma_with_hints(
            grey.pixels.clone(),
            width,
            height,
            &mut hints,
        )
        .map(|results| results.iter().filter_map(payload_of).collect())
        .unwrap_or_default()
    })
}

/// Whether the code declared its character set with an ECI (ISO/IEC 18004, table F.1).
fn declares_charset(result: &RXingResult) -> bool {
    match result
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::SYMBOLOGY_IDENTIFIER)
    {
        Some(RXingResultMetadataValue::SymbologyIdentifier(identifier)) => {
            matches!(identifier.as_str(), "]Q2" | "]Q4" | "]Q6")
        }
        _ => false,
    }
}

/// The payload bytes behind rxing's result (see the module documentation).
fn payload_of(result: &RXingResult) -> Option<Vec<u8>> {
    let (text, raw) = (result.getText(), result.getRawBytes());
    let read_as_utf8 = std::str::from_utf8(raw).is_ok_and(|utf8| utf8 == text);
    let read_as_latin1 = text.chars().count() == raw.len()
        && text
            .chars()
            .zip(raw)
            .all(|(c, &b)| u32::from(c) == u32::from(b));
    (read_as_utf8 || read_as_latin1 || declares_charset(result)).then(|| raw.to_vec())
}
