//! Every volume draw records its first exact zero, dissected; it is the same zero the
//! cross-section finds, and it lies within the rounding error of its sum.

use std::process::Command;

fn relu0(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(args)
        .output()
        .expect("the relu0 binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_first_zero_of_a_draw_is_dissected_and_matches_the_section_search() {
    let jsonl =
        std::env::temp_dir().join(format!("relu0-zero-events-{}.jsonl", std::process::id()));
    relu0(&[
        "volume",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--draws",
        "5",
        "--out",
        jsonl.to_str().unwrap(),
    ]);
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let _ = std::fs::remove_file(&jsonl);
    let with_zero: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| !r["first_zero"].is_null())
        .collect();
    assert!(
        !with_zero.is_empty(),
        "5 f32 draws on the embedded data meet an exact zero"
    );
    for r in &with_zero {
        let z = &r["first_zero"];
        let i = &z["inspection"];
        assert_eq!(i["computed"], 0.0);
        let exact = i["exact"].as_f64().unwrap();
        let ulps = i["exact_in_ulps"].as_f64().unwrap();
        let terms = i["term_count"].as_u64().unwrap() as f64;
        assert!(exact != 0.0, "not a mathematical zero: {z}");
        assert!(
            ulps <= terms,
            "within the rounding error of a {terms}-term sum: {z}"
        );
        assert!(i["terms"].as_array().unwrap().len() <= 24);
        // A bifurcated draw parts at or after its first zero.
        if let Some(first_diff) = r["first_diff_batch"].as_u64() {
            assert!(z["batch"].as_u64().unwrap() <= first_diff);
        }
    }
    // The section searches draws in the same order for the first first-layer zero.
    let first_layer = with_zero
        .iter()
        .find(|r| r["first_zero"]["layer"] == 0)
        .expect("a first-layer zero");
    let out = relu0(&[
        "section",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--grid",
        "4",
        "--json",
    ]);
    let section: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let z = &first_layer["first_zero"];
    assert_eq!(section["zero"]["draw"], first_layer["draw"]);
    for key in ["batch", "sample", "neuron"] {
        assert_eq!(section["zero"][key], z[key], "{key}");
    }
    assert_eq!(section["inspection"]["exact"], z["inspection"]["exact"]);
}
