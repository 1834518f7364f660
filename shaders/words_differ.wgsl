// Bitwise comparison of two tensors of the same float type: counts the 32-bit words in which
// their bytes differ (0 exactly when the two are bit for bit the same).
//
// Both tensors are read as raw u32 words, whatever their element type (f16 pairs, f32, f64
// halves): nothing is compared as a float, so +0.0 and -0.0 differ and two NaNs with the same
// bits are the same, exactly like comparing the bytes on the host.
//
// Every binding is read_write: cubecl sub-allocates tensors from shared pool buffers, and wgpu
// forbids one buffer bound both read-only and read-write in a dispatch.

@group(0) @binding(0) var<storage, read_write> a: array<u32>;
@group(0) @binding(1) var<storage, read_write> b: array<u32>;
// count[0]: differing words, zero before the dispatch.
@group(0) @binding(2) var<storage, read_write> count: array<atomic<u32>>;
// info[0] = number of words.
@group(0) @binding(3) var<storage, read_write> info: array<u32>;

const WORKGROUP: u32 = {{ workgroup }}u;

// Differing words of this workgroup. Cleared explicitly: cubecl builds its shader modules
// without wgpu's zero-initialisation of workgroup memory.
var<workgroup> local_count: atomic<u32>;

@compute @workgroup_size({{ workgroup }}, 1, 1)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    if (lid == 0u) {
        atomicStore(&local_count, 0u);
    }
    workgroupBarrier();
    // Large tensors are dispatched on a 2-D grid of workgroups.
    let i = gid.x + gid.y * groups.x * WORKGROUP;
    // No early return: every invocation must reach the barriers.
    if (i < info[0]) {
        if (a[i] != b[i]) {
            atomicAdd(&local_count, 1u);
        }
    }
    workgroupBarrier();
    // One global atomic per workgroup that saw a difference.
    if (lid == 0u) {
        let differing = atomicLoad(&local_count);
        if (differing > 0u) {
            atomicAdd(&count[0], differing);
        }
    }
}
