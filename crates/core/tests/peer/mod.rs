//! Peers that compute one-time codes independently of Tessera: `oathtool` (OATH Toolkit, from
//! Debian) and a small Python implementation for what oathtool has no option for.

use std::io::Write;
use std::process::{Command, Stdio};

/// A deterministic generator (xorshift64*), so that every run checks the same cases.
pub struct Cases(u64);

impl Cases {
    pub fn new(seed: u64) -> Cases {
        Cases(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, limit: u64) -> u64 {
        self.next() % limit
    }

    pub fn bytes(&mut self, length: usize) -> Vec<u8> {
        (0..length).map(|_| self.next() as u8).collect()
    }

    /// Random secret bytes of one of the given lengths.
    pub fn secret(&mut self, lengths: &[usize]) -> Vec<u8> {
        let length = self.pick(lengths);
        self.bytes(length)
    }

    pub fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len() as u64) as usize]
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs oathtool and returns its code. The test setup installs it; a missing oathtool fails the
/// test rather than skipping the comparison.
pub fn oathtool(args: &[String]) -> String {
    let output = Command::new("oathtool")
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("oathtool could not be run ({error}): the test command installs it")
        });
    assert!(
        output.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("oathtool prints ASCII")
        .trim()
        .to_string()
}

/// The arguments for a TOTP code from oathtool (digits 6 to 8).
pub fn oathtool_totp(
    key: &[u8],
    algorithm: &str,
    digits: u8,
    period: u32,
    time: u64,
) -> Vec<String> {
    vec![
        format!("--totp={algorithm}"),
        format!("--digits={digits}"),
        format!("--time-step-size={period}s"),
        format!("--now=@{time}"),
        hex(key),
    ]
}

/// The arguments for a HOTP code from oathtool (SHA1 only, digits 6 to 8).
pub fn oathtool_hotp(key: &[u8], digits: u8, counter: u64) -> Vec<String> {
    vec![
        "--hotp".into(),
        format!("--digits={digits}"),
        format!("--counter={counter}"),
        hex(key),
    ]
}

/// What moves a code on: a counter, or the time and the period it is divided by.
pub enum Moving {
    /// HOTP: the counter itself.
    Counter(u64),
    /// TOTP and Steam: the peer works out the time step itself.
    Time { unix_seconds: u64, period: u32 },
}

/// One case for the Python peer.
pub struct PythonCase {
    pub key: Vec<u8>,
    pub algorithm: &'static str,
    pub moving: Moving,
    pub digits: u8,
    pub steam: bool,
}

/// A code from the Python peer, with the counter it computed it for.
#[derive(Debug, PartialEq, Eq)]
pub struct PeerCode {
    pub text: String,
    pub counter: u64,
}

/// Runs the Python peer over many cases at once.
pub fn python_codes(cases: &[PythonCase]) -> Vec<PeerCode> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peer/otp_peer.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the peer");
    let mut input = String::new();
    for case in cases {
        let moving = match case.moving {
            Moving::Counter(counter) => format!("\"counter\":{counter}"),
            Moving::Time {
                unix_seconds,
                period,
            } => format!("\"time\":{unix_seconds},\"period\":{period}"),
        };
        input.push_str(&format!(
            "{{\"key\":\"{}\",\"algorithm\":\"{}\",{moving},\"digits\":{},\"steam\":{}}}\n",
            hex(&case.key),
            case.algorithm,
            case.digits,
            case.steam
        ));
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("the peer finishes");
    writer
        .join()
        .expect("writer thread")
        .expect("the peer reads its input");
    assert!(output.status.success(), "the Python peer failed");
    String::from_utf8(output.stdout)
        .expect("ASCII")
        .lines()
        .map(|line| {
            let (text, counter) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("the peer printed {line:?}"));
            PeerCode {
                text: text.to_string(),
                counter: counter.parse().expect("a counter"),
            }
        })
        .collect()
}
