// Forward of ReLU: y = x if x > 0 else +0.0, in the element type `{{ elem }}` (f16, f32, f64).
// Bitwise the same as burn's relu (which writes +0.0 where x <= 0 and keeps NaN):
// a negative zero becomes +0.0 and a NaN stays NaN.
{{ enable }}

@group(0) @binding(0) var<storage, read_write> x: array<{{ elem }}>;
@group(0) @binding(1) var<storage, read_write> y: array<{{ elem }}>;
// info[0] = number of elements.
@group(0) @binding(2) var<storage, read_write> info: array<u32>;

const WORKGROUP: u32 = {{ workgroup }}u;

@compute @workgroup_size({{ workgroup }}, 1, 1)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let i = gid.x + gid.y * groups.x * WORKGROUP;
    if (i >= info[0]) {
        return;
    }
    let xi = x[i];
    var out = xi;
    if (xi <= {{ elem }}(0.0)) {
        out = {{ elem }}(0.0);
    }
    y[i] = out;
}
