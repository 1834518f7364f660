//! The `relu0` binary: no command opens the app; subcommands run experiments headless (see
//! `relu0 --help`).

fn main() {
    std::process::exit(relu0::cli::main());
}
