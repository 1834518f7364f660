//! The right panel's text: what each experiment shows and why, with the paper's numbers.

use super::settings::ExperimentKind;

/// A short explanation for a class, and the paper's number to compare with.
pub fn explanation(kind: ExperimentKind) -> (&'static str, &'static str) {
    match kind {
        ExperimentKind::Volume => (
            "Two copies of the same network (twins) differ only in ReLU'(0): 0 for one, 1 for \
             the other. In exact arithmetic their gradients are equal unless some ReLU input is \
             exactly 0, which almost never happens. In floating point, w·x + b rounds to exactly \
             0 surprisingly often, and then the twins' gradients part ways.\n\n\
             Each draw is a random initialisation; we walk the training set at fixed parameters \
             and stop at the first mini-batch where the first layer's gradients differ bit for \
             bit. The plot shows the share of draws that bifurcated so far, with its 95% \
             interval.",
            "Paper (MLP 3×256, batch 256, 1000 draws, full MNIST): f16 100%, f32 46–49%, f64 0%. \
             After 10,000 samples (the embedded subset): f32 ≈ 9%, f16 ≈ 80%.",
        ),
        ExperimentKind::Surprise => (
            "Three copies start from the same parameters: ReLU'(0) = 1, 0 and 0. They are \
             trained with plain SGD on the same batches. The two '0' copies are the control: \
             the computation is deterministic, so they must stay identical (distance exactly \
             0). The '1 vs 0' distance stays 0 until the first exact zero in a ReLU input; from \
             there the two trainings drift apart.\n\n\
             min |z| is the smallest first-layer pre-activation in the batch: it dips towards \
             the rounding error just before the copies part.",
            "Paper (784-2000-128-10, batch 128, lr 0.01): f32 leaves 0 at iteration 65 in the \
             authors' run; f64 never. Which seed departs is a matter of chance.",
        ),
        ExperimentKind::Section => (
            "At the first exact zero of a first-layer pre-activation z, we move the first \
             layer's weights in two random directions and map |z| on a small grid around that \
             point. White cells are exact zeros.\n\n\
             In exact arithmetic the zero set is a thin line. In f32 it is a band of positive \
             width: cancellation below the rounding error makes a whole region round to 0. In \
             f64 the band is 2^29 times thinner and disappears at this scale.",
            "Paper (200×200 over [-5e-6, 5e-6)²): f32 shows a band of exact zeros, f64 a thin \
             line.",
        ),
        ExperimentKind::Affected => (
            "For each draw every mini-batch is evaluated at the initial parameters: how many \
             batches give different gradients for ReLU'(0) = 0 and 1, and how big the \
             difference is relative to the gradient. 'multiply' scales the upstream gradient by \
             a at an exact zero; 'assign' writes a there (what the paper's code did), so its \
             difference is far larger.",
            "Paper: the share of affected batches and the size of the difference depend on the \
             backward semantics.",
        ),
        ExperimentKind::Zeros => (
            "During training, how often is a ReLU input exactly zero? Each depth is trained for \
             the set epochs with ReLU'(0) = 0, counting exact zeros in every ReLU input of every \
             forward pass, per layer. The rate is tiny, but a training run makes billions of \
             ReLU evaluations.",
            "Paper (MLPs on MNIST, SGD momentum 0.9): 1e-9 to 8e-9 zeros per evaluation in f32, \
             2e-8 to 1.2e-7 in f16.",
        ),
        ExperimentKind::Train => (
            "One training run per value of a, all from the same initialisation and the same \
             batch order: any difference in test accuracy comes from ReLU'(0) alone. In f32 the \
             runs stay bitwise identical until the first exact zero meets a non-zero upstream \
             gradient.",
            "Paper: MNIST MLP 3×2048 ≈98.45% (no batch norm), ≈98.95% (batch norm); on \
             CIFAR-10, SGD with a = 1 trains worse than a = 0 and ResNet18 without batch norm \
             diverges from a ≈ 0.3; batch norm and Adam damp the effect.",
        ),
    }
}
