//! A shared link's query from anywhere: an error naming the bad part, or settings that
//! survive the round trip through `to_query`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relu0::app::settings::{from_query, to_query};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = from_query(query) {
        let again = from_query(&to_query(&link.settings)).expect("a written link reads back");
        assert_eq!(again.settings, link.settings);
    }
});
