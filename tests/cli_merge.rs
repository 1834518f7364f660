//! Shards of a sweep merged equal the unsharded run.

use relu0::report::merge::without_timing;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn relu0(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(args)
        .output()
        .expect("the relu0 binary runs")
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| without_timing(&serde_json::from_str(l).unwrap()))
        .collect()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("relu0-merge-{}-{name}", std::process::id()))
}

fn volume(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "volume",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--draws",
        "5",
        "--max-batches",
        "4",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let result = relu0(&args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    let (whole, a, b, merged) = (temp("whole"), temp("a"), temp("b"), temp("merged"));
    volume(&whole, &[]);
    volume(&a, &["--shard", "1/2"]);
    volume(&b, &["--shard", "2/2"]);
    // Order of the inputs does not matter.
    let result = relu0(&[
        "merge",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(records(&merged), records(&whole));
    assert_eq!(records(&whole).len(), 5);

    // The same draw with different content is refused.
    let mut tampered = std::fs::read_to_string(&a).unwrap();
    tampered = tampered.replacen("\"batches_scanned\":4", "\"batches_scanned\":3", 1);
    std::fs::write(&b, tampered).unwrap();
    let result = relu0(&[
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("differs"));
    for p in [whole, a, b, merged] {
        let _ = std::fs::remove_file(p);
    }
}
