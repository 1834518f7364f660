// Backward of ReLU with a runtime value `a` for ReLU'(0).
//
//   multiply (semantics 0): dx = dy * m(x),  m(x) = 1 if x > 0, a if x == 0, 0 if x < 0
//   assign   (semantics 1): dx = dy if x > 0, a if x == 0, 0 if x < 0
//
// Every binding is read_write: cubecl sub-allocates tensors from shared pool buffers, and wgpu
// forbids one buffer bound both read-only and read-write in a dispatch.
// -0.0 == 0.0 in IEEE arithmetic, so a negative zero counts as a zero. Every comparison and the
// product are done in the element type `{{ elem }}` (f16, f32 or f64): nothing is widened.
{{ enable }}

@group(0) @binding(0) var<storage, read_write> x: array<{{ elem }}>;
@group(0) @binding(1) var<storage, read_write> dy: array<{{ elem }}>;
@group(0) @binding(2) var<storage, read_write> dx: array<{{ elem }}>;
// alpha[0] = a, already rounded to the element type on the host.
@group(0) @binding(3) var<storage, read_write> alpha: array<{{ elem }}>;
// info[0] = number of elements, info[1] = semantics (0 multiply, 1 assign).
@group(0) @binding(4) var<storage, read_write> info: array<u32>;

const WORKGROUP: u32 = {{ workgroup }}u;

@compute @workgroup_size({{ workgroup }}, 1, 1)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    // Large tensors are dispatched on a 2-D grid of workgroups.
    let i = gid.x + gid.y * groups.x * WORKGROUP;
    if (i >= info[0]) {
        return;
    }
    let zero = {{ elem }}(0.0);
    let one = {{ elem }}(1.0);
    let xi = x[i];
    let a = alpha[0];
    if (info[1] == 0u) {
        var m = zero;
        if (xi > zero) {
            m = one;
        } else if (xi == zero) {
            m = a;
        }
        dx[i] = dy[i] * m;
    } else {
        var g = zero;
        if (xi > zero) {
            g = dy[i];
        } else if (xi == zero) {
            g = a;
        }
        dx[i] = g;
    }
}
