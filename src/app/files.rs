//! Files in and out of the app: written to disk on the desktop, downloaded in the browser;
//! data files from a folder dialog on the desktop, from the page's file picker on the web
//! (read in the page, never uploaded).

use super::{PickTarget, Picked};
use eframe::egui;
use std::sync::{Arc, Mutex};

/// A slot another thread or browser callback fills and the UI takes on its next frame.
pub type Inbox<T> = Arc<Mutex<Option<T>>>;

/// Takes what arrived in `inbox`, if anything.
pub fn take<T>(inbox: &Inbox<T>) -> Option<T> {
    inbox.lock().ok().and_then(|mut slot| slot.take())
}

pub(crate) fn put<T>(inbox: &Inbox<T>, value: T) {
    if let Ok(mut slot) = inbox.lock() {
        *slot = Some(value);
    }
}

/// Writes `bytes` (described as `what` in the message) to the file `path`.
#[cfg(not(target_arch = "wasm32"))]
pub fn deliver(path: &str, bytes: &[u8], what: &str) -> Result<String, String> {
    std::fs::write(path, bytes)
        .map(|()| format!("{what} written to {path}"))
        .map_err(|e| format!("{path}: cannot write: {e}"))
}

/// Offers `bytes` as a download named after `path`'s file name.
#[cfg(target_arch = "wasm32")]
pub fn deliver(path: &str, bytes: &[u8], what: &str) -> Result<String, String> {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| "relu0".to_string(), |n| n.to_string_lossy().into_owned());
    super::web::download(&name, bytes)
        .map(|()| format!("{what} downloaded as {name}"))
        .map_err(|e| format!("{name}: the download failed: {e}"))
}

/// Opens the system file dialog on its own thread (the window keeps drawing); the choice
/// arrives in `slot` in a later frame.
#[cfg(not(target_arch = "wasm32"))]
pub fn browse(ctx: &egui::Context, target: PickTarget, slot: &Inbox<Picked>) {
    let slot = slot.clone();
    let wake = ctx.clone();
    std::thread::spawn(move || {
        let dialog = rfd::AsyncFileDialog::new();
        let chosen = pollster::block_on(async {
            match target {
                PickTarget::DataFolder => dialog
                    .set_title("Data folder (IDX or CIFAR-10 .bin files)")
                    .pick_folder()
                    .await
                    .map(|h| h.path().to_path_buf()),
                PickTarget::File => dialog
                    .set_title("File for settings and exports")
                    .set_file_name("relu0-settings.json")
                    .save_file()
                    .await
                    .map(|h| h.path().to_path_buf()),
            }
        });
        put(
            &slot,
            Picked {
                target,
                path: chosen,
            },
        );
        wake.request_repaint();
    });
}

/// The browser has no folders to browse; nothing to do.
#[cfg(target_arch = "wasm32")]
pub fn browse(_ctx: &egui::Context, _target: PickTarget, _slot: &Inbox<Picked>) {}

/// Opens the page's file picker; the chosen files arrive in `inbox`.
#[cfg(target_arch = "wasm32")]
pub fn open_data_files(ctx: &egui::Context, inbox: &Inbox<Result<crate::data::FileSet, String>>) {
    super::web::pick_files(ctx.clone(), inbox.clone());
}

/// On the desktop data comes from a folder.
#[cfg(not(target_arch = "wasm32"))]
pub fn open_data_files(_ctx: &egui::Context, _inbox: &Inbox<Result<crate::data::FileSet, String>>) {
}

/// The page's address with `settings` in its query.
pub fn settings_link(settings: &super::settings::Settings) -> String {
    let query = super::settings::to_query(settings);
    #[cfg(target_arch = "wasm32")]
    let base = super::web::page_address();
    #[cfg(not(target_arch = "wasm32"))]
    let base = String::from("relu0");
    format!("{base}?{query}")
}
