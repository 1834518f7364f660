//! The app in the browser: starts on the page's canvas, asks for WebGPU first (f16 where the
//! adapter has `shader-f16`), reads its settings from the page's address, takes data files
//! from the page's file input, and publishes its state as `window.__relu0` for tests and
//! power users.

use super::settings::{self, LinkSettings};
use super::{Relu0App, RunState, files};
use crate::backend;
use crate::data::FileSet;
use eframe::egui;
use js_sys::{Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The id of the page's file input (`web/index.html`).
pub const FILE_INPUT_ID: &str = "relu0-files";

thread_local! {
    static RUNNER: RefCell<Option<eframe::WebRunner>> = const { RefCell::new(None) };
    static PUBLISHED_RUN: Cell<u64> = const { Cell::new(u64::MAX) };
    static FIRST_FRAME_MS: Cell<f64> = const { Cell::new(f64::NAN) };
}

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("no window"))
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(f64::NAN, |p| p.now())
}

/// Starts relu0 on the canvas with id `canvas_id`.
#[wasm_bindgen]
pub async fn start(canvas_id: String) -> Result<(), JsValue> {
    let window = window()?;
    let document = window.document().ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .get_element_by_id(&canvas_id)
        .ok_or_else(|| format!("no element #{canvas_id}"))?
        .dyn_into()?;
    set_state("starting");

    let has_webgpu = Reflect::has(&window.navigator(), &JsValue::from_str("gpu")).unwrap_or(false);
    let gpu = if has_webgpu {
        backend::init_web_gpu().await
    } else {
        Err(backend::BackendError::NoWebGpu(
            "navigator.gpu is missing".into(),
        ))
    };
    let machine = match &gpu {
        Ok(a) => format!(
            "GPU: {} (WebGPU; f16 {})  ·  CPU: burn Flex in WebAssembly (f32, f64)",
            a.name,
            if a.shader_f16 {
                "yes"
            } else {
                "no: f16 runs as f32"
            }
        ),
        Err(e) => format!("GPU: none ({e})  ·  CPU: burn Flex in WebAssembly (f32, f64)"),
    };

    let location = window.location();
    let query = format!(
        "{}&{}",
        location
            .search()
            .unwrap_or_default()
            .trim_start_matches('?'),
        location.hash().unwrap_or_default().trim_start_matches('#')
    );
    let link = settings::from_query(&query);

    let mut options = eframe::WebOptions::default();
    if let Some(setup) = super::shared_wgpu_setup() {
        options.wgpu_options.wgpu_setup = setup;
    }

    let runner = eframe::WebRunner::new();
    let started = runner
        .start(
            canvas,
            options,
            Box::new(move |cc| {
                let mut app = Relu0App::new(machine);
                app.file = "relu0-settings.json".into();
                listen_for_files(&cc.egui_ctx, &app.dropped_files);
                match link {
                    Ok(LinkSettings { settings, autorun }) => {
                        app.settings = settings;
                        if autorun {
                            app.start(&cc.egui_ctx);
                        }
                    }
                    Err(e) => app.file_message = Some(Err(format!("Link: {e}"))),
                }
                Ok(Box::new(app))
            }),
        )
        .await;
    RUNNER.with(|r| *r.borrow_mut() = Some(runner));
    if let Err(e) = &started {
        set_state("failed");
        set_field("message", &format!("{e:?}").into());
    }
    started
}

fn relu0_object() -> Option<js_sys::Object> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("__relu0");
    let existing = Reflect::get(&window, &key).ok().filter(|v| v.is_object());
    match existing {
        Some(object) => object.dyn_into().ok(),
        None => {
            let object = js_sys::Object::new();
            Reflect::set(&window, &key, &object).ok()?;
            Some(object)
        }
    }
}

fn set_field(name: &str, value: &JsValue) {
    if let Some(object) = relu0_object() {
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
}

fn set_state(state: &str) {
    set_field("state", &JsValue::from_str(state));
}

fn json(value: &serde_json::Value) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// Writes the app's state to `window.__relu0`: `frames`, `state` (idle, running, finished,
/// stopped, failed, panicked), `device`, `machine`, `progress`, `notices`, `message`,
/// `first_frame_ms` (since navigation) and, once a run ends, `last_summary` (its report).
pub fn publish(app: &Relu0App) {
    if FIRST_FRAME_MS.get().is_nan() {
        FIRST_FRAME_MS.set(now_ms());
    }
    let panicked = RUNNER.with(|r| r.borrow().as_ref().is_some_and(|r| r.has_panicked()));
    let state = if panicked {
        "panicked".to_string()
    } else {
        match &app.state {
            RunState::Idle => "idle".into(),
            RunState::Running => "running".into(),
            RunState::Finished => "finished".into(),
            RunState::Stopped => "stopped".into(),
            RunState::Failed(_) => "failed".into(),
        }
    };
    set_state(&state);
    set_field("frames", &JsValue::from_f64(app.frame_log.len() as f64));
    set_field("first_frame_ms", &JsValue::from_f64(FIRST_FRAME_MS.get()));
    set_field("machine", &JsValue::from_str(&app.machine));
    set_field(
        "device",
        &app.results
            .device
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    let (done, total) = app.results.progress;
    set_field("progress", &json(&serde_json::json!([done, total])));
    set_field("notices", &json(&serde_json::json!(app.results.notices)));
    let message = match (&app.state, &app.file_message) {
        (RunState::Failed(m), _) => Some(m.clone()),
        (_, Some(Ok(m) | Err(m))) => Some(m.clone()),
        _ => None,
    };
    set_field(
        "message",
        &message.map_or(JsValue::NULL, |m| JsValue::from_str(&m)),
    );
    set_field(
        "error",
        &match &app.file_message {
            Some(Err(m)) => JsValue::from_str(m),
            _ => JsValue::NULL,
        },
    );
    if let Some(summary) = &app.results.summary
        && PUBLISHED_RUN.get() != app.run_generation
    {
        PUBLISHED_RUN.set(app.run_generation);
        set_field("last_summary", &json(summary));
    }
}

/// Offers `bytes` as a download called `name`.
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let inner = || -> Result<(), JsValue> {
        let document = window()?.document().ok_or("no document")?;
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
        web_sys::Url::revoke_object_url(&url)?;
        Ok(())
    };
    inner().map_err(|e| format!("{e:?}"))
}

/// The page's address without its query or fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

fn file_input() -> Option<web_sys::HtmlInputElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(FILE_INPUT_ID)?
        .dyn_into()
        .ok()
}

/// Opens the page's file picker (the change listener delivers the files).
pub fn pick_files(_ctx: egui::Context, inbox: files::Inbox<Result<FileSet, String>>) {
    match file_input() {
        Some(input) => input.click(),
        None => files::put(
            &inbox,
            Err(format!("the page has no file input #{FILE_INPUT_ID}")),
        ),
    }
}

/// Reads every file chosen in the page's file input into memory and hands the set to the app.
fn listen_for_files(ctx: &egui::Context, inbox: &files::Inbox<Result<FileSet, String>>) {
    let Some(input) = file_input() else {
        return;
    };
    let ctx = ctx.clone();
    let inbox = inbox.clone();
    let target = input.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        let Some(list) = target.files() else {
            return;
        };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        target.set_value("");
        let ctx = ctx.clone();
        let inbox = inbox.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let mut read = Vec::new();
            let mut failure = None;
            for file in chosen {
                match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => read.push((file.name(), Uint8Array::new(&buffer).to_vec())),
                    Err(e) => {
                        failure = Some(format!("{}: cannot read: {e:?}", file.name()));
                        break;
                    }
                }
            }
            let outcome = match failure {
                Some(e) => Err(e),
                None if read.is_empty() => Err("no file chosen".into()),
                None => Ok(FileSet::new(read)),
            };
            files::put(&inbox, outcome);
            ctx.request_repaint();
        });
    });
    input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
}
