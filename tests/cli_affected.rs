//! `relu0 affected` through the real binary.

use serde_json::Value;
use std::process::Command;

fn affected(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .arg("affected")
        .args(args)
        .arg("--json")
        .output()
        .expect("the relu0 binary runs");
    assert!(
        out.status.success(),
        "relu0 affected {args:?} failed: {}\n(GPU cases need a Vulkan driver: apt-get install mesa-vulkan-drivers libvulkan1)",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON summary")
}

#[test]
fn f64_has_no_affected_batch() {
    let s = affected(&[
        "--precision",
        "f64",
        "--device",
        "cpu",
        "--draws",
        "2",
        "--max-batches",
        "10",
    ]);
    assert_eq!(s["draws"], 2);
    assert_eq!(s["pairs"], 20);
    for semantics in ["multiply", "assign"] {
        assert_eq!(s[semantics]["pairs_differing"], 0, "{s}");
        assert_eq!(s[semantics]["draws_affected"], 0, "{s}");
    }
}

#[test]
fn f16_batches_differ_under_both_semantics() {
    let s = affected(&[
        "--precision",
        "f16",
        "--device",
        "gpu",
        "--draws",
        "2",
        "--max-batches",
        "3",
    ]);
    assert_eq!(s["pairs"], 6);
    for semantics in ["multiply", "assign"] {
        let summary = &s[semantics];
        assert!(summary["pairs_differing"].as_u64().unwrap() >= 1, "{s}");
        let q = summary["relative_difference_quantiles"].as_array().unwrap();
        assert_eq!(q.len(), 5, "{s}");
        assert!(
            q[0].as_f64().unwrap() > 0.0,
            "differing pairs differ by more than 0: {s}"
        );
    }
    // Assign sets the gradient to a wherever z == 0, multiply only where dy != 0 too: every
    // batch that differs under multiply differs under assign.
    assert!(
        s["assign"]["pairs_differing"].as_u64() >= s["multiply"]["pairs_differing"].as_u64(),
        "{s}"
    );
}
