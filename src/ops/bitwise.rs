//! Bit-for-bit comparison of two float tensors where they live: on the cubecl (wgpu) back end
//! our WGSL kernel `shaders/words_differ.wgsl` counts the differing 32-bit words on the device,
//! so deciding whether two twins' gradients differ reads back 4 bytes instead of both
//! gradients; on the Flex CPU back end the bytes are compared in place.
//!
//! Float equality is not bitwise (`+0.0 == -0.0`, `NaN != NaN`), and burn has no bit-level
//! reinterpretation of float tensors, hence a kernel of our own.

use crate::error::Error;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::{
    Autodiff, AutodiffBackend, Backend, Dispatch, Flex, backend_extension,
    tensor::{FloatTensor, IntTensor},
};
use burn::tensor::{Int, Tensor, TensorData};
use burn_flex::FlexTensor;

/// Bytes per compared word, and the granularity of a storage buffer binding.
pub const WORD_BYTES: usize = 4;

/// Counting the 32-bit words in which two tensors' bytes differ, on their device.
#[backend_extension(Cube, Flex, Autodiff)]
pub trait BitsBackend: Backend {
    /// A one-element `u32` tensor: the number of 32-bit words in which the bytes of `a` and `b`
    /// (contiguous, row-major) differ; a trailing partial word counts as one word. `a` and `b`
    /// have the same shape and element type, and a byte length that is a multiple of
    /// [`WORD_BYTES`] on the cubecl back end (see [`differing_words`]).
    fn words_differ(a: FloatTensor<Self>, b: FloatTensor<Self>) -> IntTensor<Self>;
}

/// On the CPU the tensors already are host memory: compare their bytes where they lie.
impl BitsBackend for Flex {
    fn words_differ(a: FloatTensor<Self>, b: FloatTensor<Self>) -> IntTensor<Self> {
        let (a, b) = (host_layout(a), host_layout(b));
        let count = count_differing_words(logical_bytes(&a), logical_bytes(&b));
        FlexTensor::from_data(TensorData::new(vec![count], [1]))
    }
}

/// Row-major at offset 0 (a copy only where the tensor is a strided or offset view).
fn host_layout(x: FlexTensor) -> FlexTensor {
    if x.is_contiguous() && x.layout().start_offset() == 0 {
        x
    } else {
        x.to_contiguous()
    }
}

/// The tensor's own bytes (its buffer may be longer, e.g. a narrowed view).
fn logical_bytes(x: &FlexTensor) -> &[u8] {
    let len = x.layout().num_elements() * x.dtype().size();
    &x.bytes()[..len]
}

/// The number of 4-byte words (a trailing partial word counts as one) in which `a` and `b`
/// differ; bytes past the shorter slice count as differing words.
pub fn count_differing_words(a: &[u8], b: &[u8]) -> u32 {
    let common = a.len().min(b.len());
    let differing = a[..common]
        .chunks(WORD_BYTES)
        .zip(b[..common].chunks(WORD_BYTES))
        .filter(|(x, y)| x != y)
        .count();
    let extra = a.len().max(b.len()).div_ceil(WORD_BYTES) - common.div_ceil(WORD_BYTES);
    u32::try_from(differing + extra).unwrap_or(u32::MAX)
}

/// Under autodiff: compare the inner tensors (nothing to differentiate).
impl<B: Backend + BitsBackend, C: CheckpointStrategy> BitsBackend for Autodiff<B, C> {
    fn words_differ(a: FloatTensor<Self>, b: FloatTensor<Self>) -> IntTensor<Self> {
        let a = <Self as AutodiffBackend>::inner(a);
        let b = <Self as AutodiffBackend>::inner(b);
        B::words_differ(a, b)
    }
}

/// The number of 32-bit words in which `a` and `b` differ bit for bit, as a one-element tensor
/// left on the device (read it with others in one transfer). 0 exactly when the two tensors
/// are bitwise identical: `+0.0` and `-0.0` differ, NaNs with the same bits do not.
///
/// `a` and `b` must have the same shape and element type ([`bitwise_equal`] checks).
pub fn differing_words<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Tensor<1, Int> {
    let (mut a, mut b) = (a.flatten::<1>(0, D - 1), b.flatten::<1>(0, D - 1));
    // Storage bindings are whole words: pad both with the same zeros to a multiple of 4 bytes.
    let bytes = a.dims()[0] * a.dtype().size();
    let short = bytes.next_multiple_of(WORD_BYTES) - bytes;
    if short > 0 {
        let pad = short.div_ceil(a.dtype().size());
        let zeros = Tensor::<1>::zeros([pad], (&a.device(), a.dtype()));
        a = Tensor::cat(vec![a, zeros.clone()], 0);
        b = Tensor::cat(vec![b, zeros], 0);
    }
    let out = <Dispatch as BitsBackend>::words_differ(a.into_dispatch(), b.into_dispatch());
    Tensor::from_dispatch(out)
}

/// Whether `a` and `b` are bit for bit the same (shape, element type and every bit), reading
/// back one number.
pub async fn bitwise_equal<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> Result<bool, Error> {
    if a.dims() != b.dims() || a.dtype() != b.dtype() {
        return Ok(false);
    }
    if a.dims().contains(&0) {
        return Ok(true);
    }
    let count = differing_words(a, b).into_data_async().await?;
    Ok(count.iter::<i64>().all(|words| words == 0))
}

#[cfg(test)]
mod tests {
    use super::count_differing_words;

    #[test]
    fn host_count_is_per_word() {
        let a = [0u8, 1, 2, 3, 4, 5, 6, 7, 8];
        let mut b = a;
        assert_eq!(count_differing_words(&a, &b), 0);
        b[1] = 9;
        b[2] = 9;
        assert_eq!(count_differing_words(&a, &b), 1);
        b[8] = 0;
        assert_eq!(count_differing_words(&a, &b), 2);
        // The longer slice's two further words count as differing.
        assert_eq!(count_differing_words(&a, &a[..4]), 2);
    }

    #[test]
    fn negative_zero_differs_on_the_host() {
        let plus = 0.0f32.to_le_bytes();
        let minus = (-0.0f32).to_le_bytes();
        assert_eq!(count_differing_words(&plus, &minus), 1);
        let nan = f32::NAN.to_le_bytes();
        assert_eq!(count_differing_words(&nan, &nan), 0);
    }
}
