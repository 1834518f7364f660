//! Settings in a link (the web page's address) and data files held in memory (the page's
//! file picker) behave like their desktop counterparts.

use relu0::app::settings::{ExperimentKind, Settings, from_query, presets, to_query};
use relu0::backend::{DeviceChoice, Precision};
use relu0::data::{self, DataSource, DatasetKind, FileSet};

#[test]
fn a_link_opens_a_preset_with_overrides_and_autorun() {
    let link = from_query("?preset=2&draws=5&max_batches=4&autorun=1").unwrap();
    let preset = presets().into_iter().nth(1).unwrap().settings;
    assert_eq!(link.settings.precision, Precision::F16);
    assert_eq!(link.settings.device, DeviceChoice::Gpu);
    assert_eq!(link.settings.draws, 5);
    assert_eq!(link.settings.max_batches, 4);
    assert_eq!(link.settings.width, preset.width);
    assert!(link.autorun);
    assert!(!from_query("preset=2").unwrap().autorun);
}

#[test]
fn any_setting_by_name_with_escapes() {
    let link = from_query(
        "#experiment=train&alphas=0%2C1%2C-2.5&lr=0.05&batch_norm=true&data_dir=a+b%2Fc",
    )
    .unwrap();
    let s = link.settings;
    assert_eq!(s.experiment, ExperimentKind::Train);
    assert_eq!(s.alpha_values().unwrap(), vec![0.0, 1.0, -2.5]);
    assert_eq!(s.lr, 0.05);
    assert!(s.batch_norm);
    assert_eq!(s.data_dir, "a b/c");
}

#[test]
fn bad_links_name_what_is_wrong() {
    let cases = [
        ("preset=99", "preset 99"),
        ("preset=x", "preset 'x'"),
        ("colour=red", "colour"),
        ("draws=-3", "draws"),
        ("draws=many", "draws"),
        ("precision=f8", "f8"),
        ("autorun=maybe", "maybe"),
        ("data_dir=%G1", "%-escape"),
        ("data_dir=%FF", "UTF-8"),
    ];
    for (query, needle) in cases {
        let message = from_query(query).unwrap_err().to_string();
        assert!(message.contains(needle), "{query}: {message}");
    }
}

#[test]
fn a_written_link_reads_back_the_same_settings() {
    let mut settings = presets().into_iter().nth(6).unwrap().settings;
    settings.alphas = "0, 1e-3, -7".into();
    settings.data_dir = "/data/mnist & more?#".into();
    settings.lr = 0.123456789;
    settings.seed = u64::MAX;
    let query = to_query(&settings);
    assert!(!query.contains(' ') && !query.contains('#'), "{query}");
    assert_eq!(from_query(&query).unwrap().settings, settings);
    assert_eq!(to_query(&Settings::default()), "");
}

#[test]
fn files_in_memory_load_like_the_same_folder() {
    let dir = std::env::temp_dir().join(format!("relu0-fileset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let embedded = data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let idx = |dims: &[u32], bytes: &[u8]| {
        let mut out = vec![0, 0, 8, dims.len() as u8];
        dims.iter().for_each(|d| out.extend(d.to_be_bytes()));
        out.extend(bytes);
        out
    };
    let n = 50;
    let files = vec![
        (
            "train-images-idx3-ubyte".to_string(),
            idx(&[n, 28, 28], &embedded.train.images[..(n * 784) as usize]),
        ),
        (
            "train-labels-idx1-ubyte".to_string(),
            idx(&[n], &embedded.train.labels[..n as usize]),
        ),
        (
            "t10k-images-idx3-ubyte".to_string(),
            idx(&[n, 28, 28], &embedded.test.images[..(n * 784) as usize]),
        ),
        (
            "t10k-labels-idx1-ubyte".to_string(),
            idx(&[n], &embedded.test.labels[..n as usize]),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let from_dir = data::load(DatasetKind::Mnist, &DataSource::Dir(dir.clone())).unwrap();
    let from_memory = data::load(
        DatasetKind::Mnist,
        &DataSource::Files(FileSet::new(files.clone())),
    )
    .unwrap();
    assert_eq!(from_dir.train, from_memory.train);
    assert_eq!(from_dir.test, from_memory.test);
    assert_eq!(from_memory.train.len(), n as usize);

    // A missing file is named; saved settings record the files' names only.
    let partial = FileSet::new(files[..3].to_vec());
    let err = data::load(DatasetKind::Mnist, &DataSource::Files(partial.clone())).unwrap_err();
    assert!(err.to_string().contains("t10k-labels-idx1-ubyte"), "{err}");
    let json = serde_json::to_value(DataSource::Files(partial)).unwrap();
    assert_eq!(json["files"][2], "t10k-images-idx3-ubyte");
    let _ = std::fs::remove_dir_all(dir);
}
