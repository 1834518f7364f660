//! `relu0 volume --model vgg11|resnet18` on CIFAR-10 files (the 20 real test images, repeated
//! as every file of a data directory), and `reproduce conv` without data.

mod common;

use common::json_summary;
use std::path::PathBuf;

/// A CIFAR-10 directory whose six files each hold the 20 real test images.
fn cifar_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relu0-cifar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cifar10-test-20.bin"
    ))
    .unwrap();
    for name in [
        "data_batch_1",
        "data_batch_2",
        "data_batch_3",
        "data_batch_4",
        "data_batch_5",
        "test_batch",
    ] {
        std::fs::write(dir.join(format!("{name}.bin")), &bytes).unwrap();
    }
    dir
}

#[test]
fn conv_volume_scans_keep_the_shortcut_and_the_control_honest() {
    let dir = cifar_dir();
    for (model, bn, relus) in [("vgg11", false, 8), ("resnet18", true, 17)] {
        let mut args = vec![
            "--model",
            model,
            "--dataset",
            "cifar10",
            "--data",
            dir.to_str().unwrap(),
            "--precision",
            "f32",
            "--device",
            "cpu",
            "--draws",
            "1",
            "--batch",
            "10",
            "--max-batches",
            "2",
            "--verify",
        ];
        if bn {
            args.push("--bn");
        }
        let s = json_summary("volume", &args);
        assert_eq!(s["train_samples"], 100);
        assert_eq!(
            s["zeros_per_layer"].as_array().unwrap().len(),
            relus,
            "{model}"
        );
        let verify = &s["verify"];
        assert_eq!(verify["batches_checked"], 2, "{model}");
        assert_eq!(verify["shortcut_mismatches"], 0, "{model}");
        assert_eq!(verify["control_mismatches"], 0, "{model}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn conv_models_refuse_mnist_and_reproduce_conv_asks_for_cifar() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(["volume", "--model", "resnet18", "--device", "cpu"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dataset cifar10"));

    let dir = std::env::temp_dir().join(format!("relu0-conv-out-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(["reproduce", "conv", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("data_batch_1..5.bin"));
    let _ = std::fs::remove_dir_all(dir);
}
