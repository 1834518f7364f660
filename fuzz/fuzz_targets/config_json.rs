//! A settings file (JSON) from anywhere: read, converted to every experiment's configuration
//! and validated without a panic; what reads back writes back to the same settings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relu0::app::settings::Settings;

fuzz_target!(|data: &[u8]| {
    let Ok(settings) = serde_json::from_slice::<Settings>(data) else {
        return;
    };
    for config in settings.volumes() {
        let _ = config.validate();
    }
    let _ = settings.surprise().validate();
    let _ = settings.affected().validate();
    let _ = settings.section().validate();
    let _ = settings.zeros().validate();
    if let Ok(train) = settings.train() {
        let _ = train.validate();
    }
    let text = serde_json::to_string(&settings).expect("settings serialise");
    let again: Settings = serde_json::from_str(&text).expect("written settings read back");
    assert_eq!(again, settings);
});
