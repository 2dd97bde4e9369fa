//! The QR decoder against zbar on a generated corpus of hard pictures, class by class.
//!
//! `cargo bench -p tessera-core --bench qr` generates the corpus first if it is missing
//! (`benches/qr/generate_corpus.py`, fixed seeds, into `target/qr-corpus`), then prints for each
//! distortion class the share of codes read and the median and p95 time, for Tessera's cascade,
//! for rqrr and rxing alone, and for `zbarimg -Sqrcode.binary` (with a retry on the inverted
//! picture, as an app using zbar would do). A payload that differs from the one encoded counts as
//! wrong. Tessera's time is the cascade on the greyscale frame, on one core (the camera path);
//! zbar's is the whole `zbarimg` process, file decoding included. Prints; asserts nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tessera_core::qr::cascade::{self, Attempt, Engine, Preparation};
use tessera_core::qr::{Grey, decode_picture};

#[derive(Default)]
struct Tally {
    total: usize,
    read: usize,
    wrong: usize,
    times: Vec<Duration>,
}

impl Tally {
    fn record(&mut self, found: &[Vec<u8>], expected: &[u8], time: Duration) {
        self.total += 1;
        if found.iter().any(|bytes| bytes == expected) {
            self.read += 1;
        } else if !found.is_empty() {
            self.wrong += 1;
        }
        self.times.push(time);
    }

    fn share(&self) -> String {
        format!(
            "{:>3}/{:<3} {:>5.1}%",
            self.read,
            self.total,
            100.0 * self.read as f64 / self.total.max(1) as f64
        )
    }

    fn percentile(&self, share: f64) -> f64 {
        let mut times = self.times.clone();
        times.sort_unstable();
        if times.is_empty() {
            return 0.0;
        }
        times[((times.len() - 1) as f64 * share).round() as usize].as_secs_f64() * 1000.0
    }
}

fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/qr-corpus");
    if !root.join("manifest.jsonl").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/qr/generate_corpus.py");
        let status = Command::new("python3")
            .arg(script)
            .arg(&root)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "the corpus generator failed");
    }
    root
}

fn field<'a>(line: &'a str, name: &str) -> &'a str {
    let key = format!("\"{name}\": \"");
    let start = line
        .find(&key)
        .map(|at| at + key.len())
        .expect("manifest field");
    &line[start..start + line[start..].find('"').expect("closing quote")]
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The codes `zbarimg` reads in a picture. zbarimg exits with 0 when it read a code and 4 when
/// it found none; anything else (zbar missing, a picture it cannot read) stops the benchmark, so
/// that a broken peer is never reported as a peer that reads nothing.
fn zbar(path: &Path) -> Vec<Vec<u8>> {
    let output = Command::new("zbarimg")
        .args([
            "-q",
            "--raw",
            "-Sdisable",
            "-Sqrcode.enable",
            "-Sqrcode.binary",
        ])
        .arg(path)
        .output()
        .unwrap_or_else(|error| {
            panic!("zbarimg could not be run ({error}): the test command installs zbar-tools")
        });
    match output.status.code() {
        Some(0) => {
            let mut bytes = output.stdout;
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
            }
            vec![bytes]
        }
        Some(4) => Vec::new(),
        _ => panic!(
            "zbarimg failed on {} ({}): {}",
            path.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn grey_png(grey: &Grey, path: &Path) {
    image::GrayImage::from_raw(grey.width as u32, grey.height as u32, grey.pixels.clone())
        .expect("size matches")
        .save(path)
        .expect("write PNG");
}

fn main() {
    let root = corpus();
    let manifest = std::fs::read_to_string(root.join("manifest.jsonl")).expect("manifest");
    let scratch = tempfile::tempdir().expect("scratch folder");
    let only = |engine| {
        [Attempt {
            preparation: Preparation::Original,
            engine,
        }]
    };
    let mut tallies: BTreeMap<String, [Tally; 4]> = BTreeMap::new();
    let mut by_attempt: BTreeMap<String, usize> = BTreeMap::new();
    for line in manifest.lines().filter(|line| !line.trim().is_empty()) {
        let (file, class, expected) = (
            field(line, "file"),
            field(line, "class").to_string(),
            unhex(field(line, "payload_hex")),
        );
        let path = root.join(file);
        let bytes = std::fs::read(&path).expect("corpus file");
        let image = image::load_from_memory(&bytes)
            .expect("corpus picture")
            .into_luma8();
        let grey = Grey {
            width: image.width() as usize,
            height: image.height() as usize,
            pixels: image.into_raw(),
        };
        let row = tallies.entry(class.clone()).or_default();

        let started = Instant::now();
        let outcome = cascade::decode(&grey);
        let time = started.elapsed();
        row[0].record(
            &outcome
                .codes
                .iter()
                .map(|c| c.bytes.clone())
                .collect::<Vec<_>>(),
            &expected,
            time,
        );
        let name = outcome.found_by.map_or("none".to_string(), |a| {
            format!("{:?} {:?}", a.preparation, a.engine)
        });
        if !outcome.codes.is_empty() && !outcome.codes.iter().any(|code| code.bytes == expected) {
            let got = &outcome.codes[0].bytes;
            let differs = got
                .iter()
                .zip(&expected)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(expected.len()));
            println!(
                "WRONG PAYLOAD {file} by {name}: expected {} bytes, got {}; first difference at byte {differs}: {:?} vs {:?}",
                expected.len(),
                got.len(),
                String::from_utf8_lossy(
                    &expected[differs.saturating_sub(8)..(differs + 8).min(expected.len())]
                ),
                String::from_utf8_lossy(
                    &got[differs.saturating_sub(8)..(differs + 8).min(got.len())]
                )
            );
        }
        *by_attempt.entry(name).or_default() += 1;

        for (column, engine) in [(1, Engine::Rqrr), (2, Engine::RxingHard)] {
            let started = Instant::now();
            let found = cascade::decode_with(&grey, &only(engine)).codes;
            row[column].record(
                &found.iter().map(|c| c.bytes.clone()).collect::<Vec<_>>(),
                &expected,
                started.elapsed(),
            );
        }

        let started = Instant::now();
        let mut found = zbar(&path);
        if found.is_empty() {
            let inverted = scratch.path().join("inverted.png");
            grey_png(
                &Grey {
                    pixels: grey.pixels.iter().map(|p| 255 - p).collect(),
                    ..grey.clone()
                },
                &inverted,
            );
            found = zbar(&inverted);
        }
        row[3].record(&found, &expected, started.elapsed());
        // The file path through the public API must agree with the frame path.
        assert_eq!(
            decode_picture(&bytes).expect("decodes").len(),
            outcome.codes.len()
        );
    }

    println!(
        "| class | Tessera read | wrong | median ms | p95 ms | zbar read | wrong | median ms | p95 ms | rqrr alone | rxing alone |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut overall: [Tally; 4] = Default::default();
    for (class, row) in &tallies {
        print_row(class, row);
        for (sum, tally) in overall.iter_mut().zip(row) {
            sum.total += tally.total;
            sum.read += tally.read;
            sum.wrong += tally.wrong;
            sum.times.extend(&tally.times);
        }
    }
    print_row("**overall**", &overall);
    println!("\nWhich attempt of the cascade read each picture:");
    for (attempt, count) in by_attempt {
        println!("  {attempt}: {count}");
    }
}

fn print_row(class: &str, row: &[Tally; 4]) {
    let [ours, rqrr, rxing, zbar] = row;
    println!(
        "| {class} | {} | {} | {:.1} | {:.1} | {} | {} | {:.1} | {:.1} | {} | {} |",
        ours.share(),
        ours.wrong,
        ours.percentile(0.5),
        ours.percentile(0.95),
        zbar.share(),
        zbar.wrong,
        zbar.percentile(0.5),
        zbar.percentile(0.95),
        rqrr.share(),
        rxing.share()
    );
}
