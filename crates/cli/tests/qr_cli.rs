//! `tessera qr` and adding accounts from pictures, as a desktop user meets them.

mod common;

use common::Run;

const LINK: &str =
    "otpauth://totp/Caf%C3%A9:zo%C3%AB@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9";

#[test]
fn a_drawn_code_decodes_to_the_same_link() {
    let folder = tempfile::tempdir().unwrap();
    let png = folder.path().join("code.png");
    Run::plain().ok(&["qr", "encode", LINK, "--out", png.to_str().unwrap()]);
    let line = Run::plain().ok(&["qr", "decode", png.to_str().unwrap()]);
    let value: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"file": png.to_str().unwrap(), "texts": [LINK], "error": null})
    );
}

#[test]
fn decode_prints_one_line_per_file_and_names_the_unreadable_ones() {
    let folder = tempfile::tempdir().unwrap();
    let png = folder.path().join("code.png");
    let text = folder.path().join("notes.txt");
    let blank = folder.path().join("blank.png");
    std::fs::write(&text, "not a picture").unwrap();
    image::GrayImage::from_pixel(50, 50, image::Luma([255]))
        .save(&blank)
        .unwrap();
    Run::plain().ok(&["qr", "encode", LINK, "--out", png.to_str().unwrap()]);
    let output = Run::plain().run(&[
        "qr",
        "decode",
        png.to_str().unwrap(),
        text.to_str().unwrap(),
        blank.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["texts"], serde_json::json!([LINK]));
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("not a picture"),
        "{}",
        lines[1]
    );
    assert_eq!(
        (&lines[2]["texts"], &lines[2]["error"]),
        (&serde_json::json!([]), &serde_json::Value::Null)
    );
}

#[test]
fn encode_draws_in_the_terminal() {
    let drawing = Run::plain().ok(&["qr", "encode", "otpauth://totp/x?secret=JBSWY3DP", "--ansi"]);
    assert!(drawing.lines().count() >= 14, "{drawing}");
    assert!(drawing.contains('▀') && drawing.contains("\x1b["));
}

#[test]
fn accounts_are_added_from_screenshots_of_an_export() {
    let folder = tempfile::tempdir().unwrap();
    let vault = folder.path().join("vault.tessera");
    let tessera = Run::new(&vault);
    tessera.ok(&["init"]);
    let pictures: Vec<String> = common::export_of_25_accounts()
        .iter()
        .enumerate()
        .map(|(index, link)| {
            let png = folder.path().join(format!("part{index}.png"));
            Run::plain().ok(&["qr", "encode", link, "--out", png.to_str().unwrap()]);
            png.to_str().unwrap().to_string()
        })
        .collect();
    tessera.refused(&["add", &pictures[0], &pictures[2]], "part 2 is missing");
    let added = tessera.ok(&["add", &pictures[0], &pictures[1], &pictures[2]]);
    assert_eq!(added.lines().count(), 25);
    let single = folder.path().join("single.png");
    Run::plain().ok(&["qr", "encode", LINK, "--out", single.to_str().unwrap()]);
    assert!(
        tessera
            .ok(&["add", single.to_str().unwrap()])
            .contains("Café (zoë@example.com)")
    );
}

#[test]
fn a_picture_without_a_code_is_explained() {
    let folder = tempfile::tempdir().unwrap();
    let vault = folder.path().join("vault.tessera");
    let blank = folder.path().join("holiday.png");
    image::GrayImage::from_pixel(80, 60, image::Luma([128]))
        .save(&blank)
        .unwrap();
    let tessera = Run::new(&vault);
    tessera.ok(&["init"]);
    tessera.refused(&["add", blank.to_str().unwrap()], "no QR code was found");
    tessera.refused(
        &["add", "/nonexistent/picture.png"],
        "there is no picture at /nonexistent/picture.png",
    );
}

#[cfg(unix)]
#[test]
fn a_drawn_code_is_readable_by_its_owner_only_even_under_umask_022() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let folder = tempfile::tempdir().unwrap();
    let new = folder.path().join("new.png");
    let old = folder.path().join("old.png");
    std::fs::write(&old, b"a picture others may read").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    for out in [&new, &old] {
        let status = std::process::Command::new("sh")
            .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_tessera"))
            .args(["qr", "encode", LINK, "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(out), 0o600, "{}", out.display());
    }
    let line = Run::plain().ok(&["qr", "decode", old.to_str().unwrap()]);
    assert!(line.contains(LINK), "{line}");
}
