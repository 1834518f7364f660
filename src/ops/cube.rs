//! Our WGSL kernels from `shaders/` on the cubecl back end (wgpu): the op's forward and backward,
//! one template each instantiated for f16 (`enable f16;`), f32, or f64 (adapters with
//! `SHADER_F64`), and the bitwise comparison of two tensors (raw 32-bit words, any float type).

use super::{Semantics, bitwise::BitsBackend, extension::Relu0Backend, reference};
use burn::backend::Cube;
use burn::backend::TensorMetadata;
use burn::backend::wgpu::{
    CubeTensor, KernelSource, SourceKernel, SourceTemplate, into_contiguous, kernel_source,
};
use burn::cubecl::server::KernelArguments;
use burn::cubecl::{CubeCount, CubeDim, prelude::KernelId};
use burn::tensor::{DType, Shape};
use derive_new::new;

kernel_source!(ForwardTemplate, "../../shaders/relu0_forward.wgsl");
kernel_source!(BackwardTemplate, "../../shaders/relu0_backward.wgsl");
kernel_source!(WordsDifferTemplate, "../../shaders/words_differ.wgsl");

/// Threads per workgroup (one element each).
const WORKGROUP: u32 = 256;

/// WGSL name of a float element type, and the directive it needs.
fn wgsl_elem(dtype: DType) -> Option<(&'static str, &'static str)> {
    match dtype {
        DType::F32 => Some(("f32", "")),
        DType::F16 => Some(("f16", "enable f16;")),
        DType::F64 => Some(("f64", "")),
        _ => None,
    }
}

/// Which shader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Forward,
    Backward,
    WordsDiffer,
}

/// One instantiation of a template: kernel and element type (the comparison reads raw words
/// whatever the element type: one instantiation).
#[derive(Debug)]
struct WgslKernel {
    kind: Kind,
    elem: &'static str,
    enable: &'static str,
}

impl KernelSource for WgslKernel {
    fn source(&self) -> SourceTemplate {
        let template = match self.kind {
            Kind::Forward => ForwardTemplate.source(),
            Kind::Backward => BackwardTemplate.source(),
            Kind::WordsDiffer => WordsDifferTemplate.source(),
        };
        template
            .register("elem", self.elem)
            .register("enable", self.enable)
            .register("workgroup", WORKGROUP.to_string())
    }

    fn id(&self) -> KernelId {
        KernelId::new::<Self>().info((self.kind, self.elem))
    }

    fn lang(&self) -> &'static str {
        "wgsl"
    }
}

/// Workgroups for `n` elements: 1-D while the hardware limit allows, 2-D beyond.
fn cube_count(n: usize, max_x: u32) -> CubeCount {
    let groups = n.div_ceil(WORKGROUP as usize).max(1) as u64;
    let max_x = u64::from(max_x.max(1));
    if groups <= max_x {
        CubeCount::Static(groups as u32, 1, 1)
    } else {
        CubeCount::Static(max_x as u32, groups.div_ceil(max_x) as u32, 1)
    }
}

fn empty_like(x: &CubeTensor) -> CubeTensor {
    let shape: Shape = x.shape();
    let bytes = shape.num_elements() * x.dtype.size();
    let handle = x.client.empty(bytes.max(4));
    CubeTensor::new_contiguous(x.client.clone(), x.device.clone(), shape, handle, x.dtype)
}

fn info_handle(x: &CubeTensor, words: &[u32]) -> burn::cubecl::server::Handle {
    x.client.create_from_slice(bytemuck::cast_slice(words))
}

/// `a` rounded to the element type, as bytes of a small array (4-byte aligned for f16).
fn alpha_bytes(alpha: f64, dtype: DType) -> Vec<u8> {
    match dtype {
        DType::F16 => {
            let a = half::f16::from_f64(alpha);
            bytemuck::cast_slice(&[a, a]).to_vec()
        }
        DType::F64 => alpha.to_le_bytes().to_vec(),
        _ => bytemuck::cast_slice(&[alpha as f32]).to_vec(),
    }
}

/// Launches `kernel` on `x`'s client, one invocation for each of `n` items.
fn launch(
    kernel: WgslKernel,
    x: &CubeTensor,
    n: usize,
    buffers: Vec<burn::cubecl::server::Handle>,
) {
    let max_x = x.client.properties().hardware.max_cube_count.0;
    let bindings = buffers.into_iter().map(|h| h.binding()).collect();
    x.client.launch(
        Box::new(SourceKernel::new(kernel, CubeDim::new_1d(WORKGROUP))),
        cube_count(n, max_x),
        KernelArguments::new().with_buffers(bindings),
    );
}

impl Relu0Backend for Cube {
    fn relu0(x: CubeTensor, _alpha: f64, _semantics: u32) -> CubeTensor {
        let Some((elem, enable)) = wgsl_elem(x.dtype) else {
            return reference::forward_ops::<Cube>(x);
        };
        let x = into_contiguous(x);
        let y = empty_like(&x);
        let n = x.shape().num_elements() as u32;
        let info = info_handle(&x, &[n]);
        let kernel = WgslKernel {
            kind: Kind::Forward,
            elem,
            enable,
        };
        launch(
            kernel,
            &x,
            n as usize,
            vec![x.handle.clone(), y.handle.clone(), info],
        );
        y
    }

    fn relu0_backward(x: CubeTensor, dy: CubeTensor, alpha: f64, semantics: u32) -> CubeTensor {
        let Some((elem, enable)) = wgsl_elem(x.dtype) else {
            return reference::backward_ops::<Cube>(x, dy, alpha, Semantics::from_code(semantics));
        };
        let x = into_contiguous(x);
        let dy = into_contiguous(dy);
        let dx = empty_like(&x);
        let n = x.shape().num_elements() as u32;
        let info = info_handle(&x, &[n, semantics]);
        let alpha = x.client.create_from_slice(&alpha_bytes(alpha, x.dtype));
        let kernel = WgslKernel {
            kind: Kind::Backward,
            elem,
            enable,
        };
        launch(
            kernel,
            &x,
            n as usize,
            vec![
                x.handle.clone(),
                dy.handle.clone(),
                dx.handle.clone(),
                alpha,
                info,
            ],
        );
        dx
    }
}

impl BitsBackend for Cube {
    fn words_differ(a: CubeTensor, b: CubeTensor) -> CubeTensor {
        let a = into_contiguous(a);
        let b = into_contiguous(b);
        let words = a.shape().num_elements() * a.dtype.size() / super::bitwise::WORD_BYTES;
        let count = a.client.create_from_slice(bytemuck::cast_slice(&[0u32]));
        // Empty tensors are equal: nothing to bind.
        if words > 0 {
            let info = info_handle(&a, &[words as u32]);
            let kernel = WgslKernel {
                kind: Kind::WordsDiffer,
                elem: "u32",
                enable: "",
            };
            launch(
                kernel,
                &a,
                words,
                vec![a.handle.clone(), b.handle.clone(), count.clone(), info],
            );
        }
        CubeTensor::new_contiguous(
            a.client.clone(),
            a.device.clone(),
            Shape::new([1]),
            count,
            DType::U32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_tensors_use_one_row_of_workgroups() {
        assert!(matches!(cube_count(10, 65535), CubeCount::Static(1, 1, 1)));
        assert!(matches!(
            cube_count(256 * 65535, 65535),
            CubeCount::Static(65535, 1, 1)
        ));
    }

    #[test]
    fn large_tensors_spill_into_a_second_dimension() {
        match cube_count(256 * 65535 + 1, 65535) {
            CubeCount::Static(x, y, 1) => {
                assert_eq!(x, 65535);
                assert_eq!(y, 2);
            }
            other => panic!("unexpected cube count {other:?}"),
        }
    }
}
