//! The `relu0` binary: subcommands run experiments headless (see `relu0 --help`).

fn main() {
    std::process::exit(relu0::cli::main());
}
