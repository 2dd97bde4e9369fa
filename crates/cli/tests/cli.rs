//! The `tessera` binary as scripts and people meet it: what it prints, and its exit status.

mod common;

use std::process::{Command, Output};

use common::Run;

fn tessera(args: &[&str]) -> Output {
    Run::plain().run(args)
}

fn tessera_with_stdin(args: &[&str], stdin: &str) -> Output {
    Run::plain().stdin(stdin).run(args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).expect("stdout is JSON")
}

fn oathtool(args: &[&str]) -> String {
    let output = Command::new("oathtool")
        .args(args)
        .output()
        .expect("oathtool is installed by the test command");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .expect("ASCII")
        .trim()
        .to_string()
}

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn code_prints_the_same_code_as_oathtool() {
    for (algorithm, time, period) in [
        ("SHA1", "59", "30"),
        ("SHA256", "1111111109", "60"),
        ("SHA512", "20000000000", "1"),
    ] {
        let link = format!(
            "otpauth://totp/x?secret={SECRET}&algorithm={algorithm}&digits=8&period={period}"
        );
        let ours = tessera(&["code", "--uri", &link, "--at", time]);
        assert!(ours.status.success(), "{}", stderr(&ours));
        let theirs = oathtool(&[
            "-b",
            &format!("--totp={algorithm}"),
            "--digits=8",
            &format!("--time-step-size={period}s"),
            &format!("--now=@{time}"),
            SECRET,
        ]);
        assert_eq!(stdout(&ours).trim(), theirs, "{algorithm} at {time}");
    }
}

#[test]
fn code_for_hotp_uses_the_links_counter() {
    for counter in ["0", "7", "18446744073709551615"] {
        let link = format!("otpauth://hotp/x?secret={SECRET}&counter={counter}");
        let ours = tessera(&["code", "--uri", &link, "--at", "123456"]);
        let theirs = oathtool(&["-b", "--hotp", &format!("--counter={counter}"), SECRET]);
        assert_eq!(stdout(&ours).trim(), theirs, "counter {counter}");
    }
}

#[test]
fn code_reads_the_link_from_stdin_so_secrets_stay_out_of_the_process_list() {
    let link = format!("otpauth://totp/x?secret={SECRET}&digits=8\n");
    let output = tessera_with_stdin(&["code", "--uri", "-", "--at", "59"], &link);
    assert_eq!(stdout(&output).trim(), "94287082");
}

#[test]
fn code_without_at_is_the_current_code() {
    let link = format!("otpauth://totp/x?secret={SECRET}");
    let output = tessera(&["code", "--uri", &link]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expected = tessera(&["code", "--uri", &link, "--at", &now.to_string()]);
    let expected_next = tessera(&["code", "--uri", &link, "--at", &(now + 1).to_string()]);
    let code = stdout(&output);
    assert!(
        code == stdout(&expected) || code == stdout(&expected_next),
        "{code}"
    );
    assert_eq!(code.trim().len(), 6);
}

#[test]
fn steam_codes_are_five_characters_from_steams_alphabet() {
    let output = tessera(&[
        "code",
        "--uri",
        "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP",
        "--at",
        "1700000000",
    ]);
    let code = stdout(&output).trim().to_string();
    assert_eq!(code.len(), 5);
    assert!(
        code.chars()
            .all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)),
        "{code}"
    );
}

#[test]
fn inspect_prints_the_account_fields() {
    let value = json(&tessera(&[
        "inspect",
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=hxdm vjec jjws rb3h wizr 4ifu gftm xboz&issuer=ACME%20Co&algorithm=sha256&digits=8&period=60",
    ]));
    assert_eq!(
        value,
        serde_json::json!({
            "kind": "totp", "issuer": "ACME Co", "account": "john.doe@email.com",
            "secret": "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ", "algorithm": "SHA256", "digits": 8,
            "period": 60, "counter": null
        })
    );
}

#[test]
fn inspect_gives_null_period_for_hotp_and_null_counter_for_steam() {
    let hotp = json(&tessera(&[
        "inspect",
        "otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXP&counter=42",
    ]));
    assert_eq!(
        (hotp["kind"].as_str(), &hotp["period"], &hotp["counter"]),
        (
            Some("hotp"),
            &serde_json::Value::Null,
            &serde_json::json!(42)
        )
    );
    let steam = json(&tessera(&[
        "inspect",
        "otpauth://totp/Steam:g?secret=JBSWY3DPEHPK3PXP&encoder=steam",
    ]));
    assert_eq!(
        (steam["kind"].as_str(), &steam["digits"], &steam["counter"]),
        (
            Some("steam"),
            &serde_json::json!(5),
            &serde_json::Value::Null
        )
    );
}

#[test]
fn inspect_warns_about_two_issuers_but_succeeds() {
    let output = tessera(&[
        "inspect",
        "otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=New",
    ]);
    assert_eq!(json(&output)["issuer"], "New");
    assert!(stderr(&output).contains("'Old'"), "{}", stderr(&output));
}

/// A one-account export: issuer Example, name alice@google.com, secret JBSWY3DPEHPK3PXP.
const EXPORT: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

#[test]
fn inspect_prints_a_google_export_as_an_accounts_array() {
    let value = json(&tessera(&["inspect", EXPORT]));
    let accounts = value["accounts"].as_array().expect("accounts array");
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["issuer"], "Example");
    assert_eq!(accounts[0]["account"], "alice@google.com");
    assert_eq!(accounts[0]["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(value["batch"]["missing"], serde_json::json!([]));
}

#[test]
fn inspect_names_the_missing_parts_of_a_batch() {
    let links = common::export_of_25_accounts();
    let all = json(&tessera(&["inspect", &links[0], &links[1], &links[2]]));
    assert_eq!(all["accounts"].as_array().unwrap().len(), 25);
    let output = tessera(&["inspect", &links[2], &links[0]]);
    let some = json(&output);
    assert_eq!(some["accounts"].as_array().unwrap().len(), 15);
    assert_eq!(some["batch"]["missing"], serde_json::json!([1]));
    assert!(
        stderr(&output).contains("this export has 3 QR codes and part 2 is missing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn payloads_that_are_not_accounts_are_explained() {
    let cases = [
        (
            "phonefactor://activate_account?code=123&url=https://example.com",
            "Microsoft Authenticator",
        ),
        ("WIFI:S:Home;T:WPA;P:secret;;", "Wi-Fi network"),
        ("https://example.com/2fa", "web address (example.com)"),
        ("FIDO:/0123456789", "passkey"),
        (
            "otpauth://pipush/PIPU001?url=https://pi.example.com",
            "privacyIDEA",
        ),
        (
            "tessera://enroll?v=1&server=https://a.example&token=t&fp=f",
            "sign-in approvals",
        ),
    ];
    for (payload, expected) in cases {
        Run::plain().refused(&["inspect", payload], expected);
        Run::plain().refused(&["code", "--uri", payload], expected);
    }
}

/// One QR code of a move from another device (part 2 of 3, its check sum right).
const MOVE_PART: &str = "tessera://move?v=1&id=K7QM2X9T&part=2&of=3&data=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw&sum=yThbCPzM";

#[test]
fn a_code_of_a_move_from_another_device_points_to_the_app() {
    Run::plain().refused(&["inspect", MOVE_PART], "app's Add screen");
    Run::plain().refused(&["add", MOVE_PART], "app's Add screen");
}

#[test]
fn bad_links_exit_2_with_one_line_that_says_what_to_do() {
    let cases = [
        ("otpauth://totp/x?issuer=Example", "no secret"),
        ("otpauth://totp/x?secret=JBSW1", "'1'"),
        (
            "otpauth://totp/x?secret=JBSWY3DP&digits=12",
            "between 4 and 10",
        ),
        ("otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5", "MD5"),
        ("otpauth://totp/x?secret=JBSWY3DP&period=0", "period"),
        ("otpauth://hotp/x?secret=JBSWY3DP&counter=-3", "counter"),
        ("otpauth://yaotp/x?secret=JBSWY3DP", "not supported"),
        ("otpauth-migration://offline?data=!!!!", "damaged"),
        ("otpauth-migration://offline?data=CgUKAw", "damaged"),
        ("", "empty"),
    ];
    for (link, expected) in cases {
        Run::plain().refused(&["inspect", link], expected);
        Run::plain().refused(&["code", "--uri", link], expected);
    }
}

#[test]
fn code_refuses_an_export_and_points_to_inspect() {
    Run::plain().refused(&["code", "--uri", EXPORT], "tessera inspect");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(tessera(&["code"]).status.code(), Some(2));
    assert_eq!(
        tessera(&["code", "--uri", "x", "--at", "soon"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(tessera(&["inspect"]).status.code(), Some(2));
}
