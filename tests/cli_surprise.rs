//! `relu0 surprise` through the real binary.

mod common;

use serde_json::Value;

fn surprise(args: &[&str]) -> Value {
    common::json_summary("surprise", args)
}

fn values(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn f64_twins_never_part() {
    let s = surprise(&[
        "--precision",
        "f64",
        "--device",
        "cpu",
        "--hidden",
        "64,32",
        "--iterations",
        "15",
    ]);
    let (d10, d00, z) = (
        values(&s, "dist_1_vs_0"),
        values(&s, "dist_0_vs_0"),
        values(&s, "min_abs_z"),
    );
    assert_eq!(d10.len(), 15);
    assert_eq!(d00.len(), 15);
    assert_eq!(z.len(), 15);
    assert!(d10.iter().all(|&d| d == 0.0), "f64: {d10:?}");
    assert!(d00.iter().all(|&d| d == 0.0), "control: {d00:?}");
    assert!(z.iter().all(|&m| m > 0.0), "no exact zero in f64: {z:?}");
    assert!(s["departure_iteration"].is_null());
}

#[test]
fn f16_twins_part_while_the_control_stays_equal() {
    let s = surprise(&[
        "--precision",
        "f16",
        "--device",
        "gpu",
        "--hidden",
        "64,32",
        "--iterations",
        "6",
    ]);
    let (d10, d00, z) = (
        values(&s, "dist_1_vs_0"),
        values(&s, "dist_0_vs_0"),
        values(&s, "min_abs_z"),
    );
    assert!(
        d00.iter().all(|&d| d == 0.0),
        "0 vs 0 must stay exactly 0: {d00:?}"
    );
    let departure = s["departure_iteration"].as_u64().expect("f16 twins part") as usize;
    assert_eq!(
        d10[departure - 1..].iter().filter(|&&d| d == 0.0).count(),
        0,
        "{d10:?}"
    );
    assert!(d10[..departure - 1].iter().all(|&d| d == 0.0), "{d10:?}");
    assert!(z.iter().all(|m| m.is_finite() && *m >= 0.0), "{z:?}");
}
