//! `relu0 section` through the real binary.

use serde_json::Value;
use std::process::Command;

#[test]
fn f32_has_a_band_of_exact_zeros_where_f64_has_fewer() {
    let csv = std::env::temp_dir().join(format!("relu0-section-{}.csv", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args([
            "section",
            "--precision",
            "f32",
            "--device",
            "cpu",
            "--grid",
            "40",
            "--json",
        ])
        .args(["--out", csv.to_str().unwrap()])
        .output()
        .expect("the relu0 binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f32_zeros = s["search"]["exact_zeros"].as_u64().unwrap();
    let f64_zeros = s["f64"]["exact_zeros"].as_u64().unwrap();
    // The found zero is reproduced at the centre of the grid, and it is not alone.
    assert_eq!(s["search"]["centre_is_zero"], true, "{s}");
    assert!(f32_zeros > 1, "{s}");
    assert!(f64_zeros < f32_zeros, "{s}");
    assert_eq!(s["axis"].as_array().unwrap().len(), 40);
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 40 * 40);
    assert_eq!(lines[0], "x,y,abs_z_f32,abs_z_f64");
    let zeros_in_csv = lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap() == 0.0)
        .count();
    assert_eq!(zeros_in_csv as u64, f32_zeros);
    std::fs::remove_file(csv).unwrap();
}

#[test]
fn an_odd_grid_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(["section", "--grid", "41", "--device", "cpu"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--grid"));
}
