//! Precision × device → a burn device, and what the machine offers.
//!
//! Precision is carried by every tensor's dtype (tensors are created with an explicit dtype),
//! so one process can run f16, f32 and f64 side by side on the same device.

use burn::backend::wgpu::{WgpuSetup, wgpu};
use burn::tensor::{DType, Device};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Floating-point precision of a run: model, inputs, loss and backward all in this type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// IEEE half (unit roundoff 2^-11).
    F16,
    /// IEEE single (2^-24), the default.
    #[default]
    F32,
    /// IEEE double (2^-53).
    F64,
}

impl Precision {
    /// All precisions, lowest first.
    pub const ALL: [Precision; 3] = [Precision::F16, Precision::F32, Precision::F64];

    /// burn's element type.
    pub fn dtype(self) -> DType {
        match self {
            Precision::F16 => DType::F16,
            Precision::F32 => DType::F32,
            Precision::F64 => DType::F64,
        }
    }

    /// `f16`, `f32` or `f64`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F16 => "f16",
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "f16" => Ok(Precision::F16),
            "f32" => Ok(Precision::F32),
            "f64" => Ok(Precision::F64),
            other => Err(format!(
                "unknown precision '{other}' (expected f16, f32 or f64)"
            )),
        }
    }
}

/// Where to run, as asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// The GPU when it supports the precision, else the CPU.
    #[default]
    Auto,
    /// The GPU (wgpu) or an error.
    Gpu,
    /// burn's CPU back end (Flex).
    Cpu,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(DeviceChoice::Auto),
            "gpu" => Ok(DeviceChoice::Gpu),
            "cpu" => Ok(DeviceChoice::Cpu),
            other => Err(format!(
                "unknown device '{other}' (expected auto, gpu or cpu)"
            )),
        }
    }
}

/// Where a run actually happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// wgpu with our WGSL kernels.
    Gpu,
    /// burn's CPU back end.
    Cpu,
}

impl DeviceKind {
    /// `gpu` or `cpu`.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Gpu => "gpu",
            DeviceKind::Cpu => "cpu",
        }
    }
}

/// What a GPU adapter is and can do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterSummary {
    /// Adapter name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
    pub name: String,
    /// Vendor, by PCI id where known.
    pub vendor: String,
    /// Graphics API: Vulkan, Metal, Dx12, Gl or BrowserWebGpu.
    pub backend: String,
    /// Device type: DiscreteGpu, IntegratedGpu, VirtualGpu, Cpu, Other.
    pub device_type: String,
    /// Driver name and version.
    pub driver: String,
    /// `shader-f16`: f16 arithmetic in shaders.
    pub shader_f16: bool,
    /// `SHADER_F64`: f64 arithmetic in shaders.
    pub shader_f64: bool,
    /// Largest buffer a shader can bind, in bytes (0: unknown).
    #[serde(default)]
    pub max_buffer_bytes: u64,
}

impl AdapterSummary {
    fn from_wgpu(info: &wgpu::AdapterInfo, features: wgpu::Features, limits: wgpu::Limits) -> Self {
        AdapterSummary {
            // Browsers may hide the adapter's name.
            name: if info.name.is_empty() {
                format!("unnamed {:?} adapter", info.device_type)
            } else {
                info.name.trim().to_string()
            },
            vendor: vendor_name(info.vendor),
            backend: format!("{:?}", info.backend),
            device_type: format!("{:?}", info.device_type),
            driver: format!("{} {}", info.driver, info.driver_info)
                .trim()
                .to_string(),
            shader_f16: features.contains(wgpu::Features::SHADER_F16),
            shader_f64: features.contains(wgpu::Features::SHADER_F64),
            max_buffer_bytes: limits
                .max_storage_buffer_binding_size
                .min(limits.max_buffer_size),
        }
    }

    /// Whether this adapter runs `precision`.
    pub fn supports(&self, precision: Precision) -> bool {
        match precision {
            Precision::F16 => self.shader_f16,
            Precision::F32 => true,
            Precision::F64 => self.shader_f64,
        }
    }
}

fn vendor_name(id: u32) -> String {
    let name = match id {
        0x1002 => "AMD",
        0x10de => "NVIDIA",
        0x8086 => "Intel",
        0x106b => "Apple",
        0x13b5 => "ARM",
        0x5143 => "Qualcomm",
        0x10005 => "Mesa",
        _ => "",
    };
    if name.is_empty() {
        format!("0x{id:04x}")
    } else {
        format!("{name} (0x{id:04x})")
    }
}

/// Every adapter wgpu can see, on every graphics API.
#[cfg(not(target_arch = "wasm32"))]
pub fn list_adapters() -> Vec<AdapterSummary> {
    let instance = wgpu::Instance::default();
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
    adapters
        .iter()
        .map(|a| AdapterSummary::from_wgpu(&a.get_info(), a.features(), a.limits()))
        .collect()
}

/// The page's WebGPU adapter, once [`init_web_gpu`] found one.
#[cfg(target_arch = "wasm32")]
pub fn list_adapters() -> Vec<AdapterSummary> {
    gpu().map(|(_, adapter)| vec![adapter]).unwrap_or_default()
}

/// The CPU back end, described for `relu0 device`.
pub fn cpu_summary() -> String {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!(
        "burn Flex CPU back end ({} {}, {threads} threads): f32, f64",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

/// Why a precision/device pair cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// No GPU adapter at all.
    #[error(
        "no GPU adapter found: install a Vulkan driver, e.g. Mesa lavapipe \
         (apt-get install mesa-vulkan-drivers libvulkan1); --device cpu works"
    )]
    NoAdapter(String),
    /// The browser offers no WebGPU adapter.
    #[error("this browser offers no WebGPU adapter ({0}); the CPU back end runs f32 and f64")]
    NoWebGpu(String),
    /// f16 asked of an adapter without `shader-f16`.
    #[error("f16 needs shader-f16, which the adapter '{0}' does not have; use --precision f32")]
    NoShaderF16(String),
    /// f64 asked of an adapter without `SHADER_F64`.
    #[error(
        "f64 needs SHADER_F64, which the adapter '{0}' does not have; use --device cpu for f64"
    )]
    NoShaderF64(String),
    /// The run's tensors do not fit on the device.
    #[error("{0}")]
    TooLarge(String),
    /// f16 asked of the CPU.
    #[error("f16 runs on a GPU only (the CPU back end has f32 and f64); use --device gpu")]
    NoCpuF16,
}

/// A device ready for a run.
#[derive(Clone, Debug)]
pub struct Compute {
    /// The burn device (without autodiff; call `.autodiff()` for training).
    pub device: Device,
    /// Precision of every tensor of the run.
    pub precision: Precision,
    /// GPU or CPU.
    pub kind: DeviceKind,
    /// The adapter, on GPU.
    pub adapter: Option<AdapterSummary>,
}

/// Bytes of memory the machine can still give (Linux: `MemAvailable`; elsewhere unknown).
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn gigabytes(bytes: f64) -> String {
    if bytes < 1e9 {
        format!("{:.0} MB", bytes / 1e6)
    } else {
        format!("{:.1} GB", bytes / 1e9)
    }
}

impl Compute {
    /// Fails before anything is allocated when a run cannot fit on this device: its largest
    /// tensor (`largest`, described by `what`, in elements) above the largest buffer the GPU
    /// can bind, or all its tensors (`total` elements) above the memory the machine has
    /// available. `setting` names what to change, e.g. "--width 100000".
    pub fn check_fits(
        &self,
        setting: &str,
        what: &str,
        largest: f64,
        total: f64,
    ) -> Result<(), BackendError> {
        let element = match self.precision {
            Precision::F16 => 2.0,
            Precision::F32 => 4.0,
            Precision::F64 => 8.0,
        };
        let (largest, total) = (largest * element, total * element);
        if let Some(adapter) = &self.adapter
            && adapter.max_buffer_bytes > 0
            && largest > adapter.max_buffer_bytes as f64
        {
            return Err(BackendError::TooLarge(format!(
                "{setting}: {what} needs {} in {}, more than the largest buffer the GPU '{}' \
                 allows ({})",
                gigabytes(largest),
                self.precision,
                adapter.name,
                gigabytes(adapter.max_buffer_bytes as f64)
            )));
        }
        if let Some(free) = available_memory()
            && total > free as f64
        {
            return Err(BackendError::TooLarge(format!(
                "{setting}: the run needs about {} in {}, more than the {} of memory available",
                gigabytes(total),
                self.precision,
                gigabytes(free as f64)
            )));
        }
        Ok(())
    }

    /// One line naming the device, e.g. "gpu: llvmpipe (Vulkan, shader-f16)".
    pub fn describe(&self) -> String {
        match &self.adapter {
            Some(a) => format!(
                "gpu: {} ({}, shader-f16 {})",
                a.name,
                a.backend,
                if a.shader_f16 { "yes" } else { "no" }
            ),
            None => "cpu: burn Flex".to_string(),
        }
    }
}

/// The process's one wgpu runtime: initialised once, shared by every run (and by the GUI,
/// which draws on the same wgpu device).
type GpuRuntime = (Device, AdapterSummary, WgpuSetup);

static GPU: OnceLock<Result<GpuRuntime, BackendError>> = OnceLock::new();

fn describe_setup(device: Device, setup: WgpuSetup) -> GpuRuntime {
    let summary = AdapterSummary::from_wgpu(
        &setup.adapter.get_info(),
        setup.device.features(),
        setup.device.limits(),
    );
    (device, summary, setup)
}

#[cfg(not(target_arch = "wasm32"))]
fn runtime() -> Result<GpuRuntime, BackendError> {
    GPU.get_or_init(|| {
        let (device, setup) = Device::wgpu_options()
            .init_with_setup()
            .map_err(|e| BackendError::NoAdapter(e.to_string()))?;
        Ok(describe_setup(device, setup))
    })
    .clone()
}

/// In the browser the GPU is asked for once, asynchronously, before the app starts.
#[cfg(target_arch = "wasm32")]
fn runtime() -> Result<GpuRuntime, BackendError> {
    GPU.get()
        .cloned()
        .unwrap_or_else(|| Err(BackendError::NoAdapter("WebGPU was not initialised".into())))
}

/// Asks the browser for a WebGPU adapter and device (with shader-f16 where the adapter has
/// it) and makes it the GPU of every later run. Without WebGPU, GPU runs fail with a clear
/// error and the CPU back end remains. Returns the adapter, or why there is none.
#[cfg(target_arch = "wasm32")]
pub async fn init_web_gpu() -> Result<AdapterSummary, BackendError> {
    let outcome = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map(|(device, setup)| describe_setup(device, setup))
        .map_err(|e| BackendError::NoWebGpu(e.to_string()));
    let stored = GPU.get_or_init(|| outcome).clone();
    stored.map(|(_, adapter, _)| adapter)
}

fn gpu() -> Result<(Device, AdapterSummary), BackendError> {
    runtime().map(|(device, summary, _)| (device, summary))
}

/// The wgpu instance, adapter, device and queue burn computes on, created on first use (None
/// without a GPU adapter): a window drawing with them shares one GPU context with the runs.
pub fn wgpu_setup() -> Option<WgpuSetup> {
    runtime().ok().map(|(_, _, setup)| setup)
}

/// Resolves a precision and a device choice to a device, or says why not.
pub fn select(precision: Precision, choice: DeviceChoice) -> Result<Compute, BackendError> {
    let cpu = || Compute {
        device: Device::flex(),
        precision,
        kind: DeviceKind::Cpu,
        adapter: None,
    };
    match choice {
        DeviceChoice::Cpu => match precision {
            Precision::F16 => Err(BackendError::NoCpuF16),
            _ => Ok(cpu()),
        },
        DeviceChoice::Gpu => {
            let (device, adapter) = gpu()?;
            match precision {
                Precision::F16 if !adapter.shader_f16 => {
                    Err(BackendError::NoShaderF16(adapter.name))
                }
                Precision::F64 if !adapter.shader_f64 => {
                    Err(BackendError::NoShaderF64(adapter.name))
                }
                _ => Ok(Compute {
                    device,
                    precision,
                    kind: DeviceKind::Gpu,
                    adapter: Some(adapter),
                }),
            }
        }
        DeviceChoice::Auto => match precision {
            // f64 is the CPU's: exact reference arithmetic on every machine.
            Precision::F64 => Ok(cpu()),
            // A software rasteriser (lavapipe, SwiftShader) is far slower than the CPU back end.
            Precision::F32 => match select(precision, DeviceChoice::Gpu) {
                Ok(gpu) if gpu.adapter.as_ref().is_some_and(|a| a.device_type != "Cpu") => Ok(gpu),
                _ => Ok(cpu()),
            },
            Precision::F16 => select(precision, DeviceChoice::Gpu),
        },
    }
}
