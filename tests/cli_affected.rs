//! `relu0 affected` through the real binary.

mod common;

use serde_json::Value;

fn affected(args: &[&str]) -> Value {
    common::json_summary("affected", args)
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
