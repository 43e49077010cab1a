//! `mclc-hook`: the `mclc` program under another name, built by the root package so that
//! pre-commit's `language: rust` (which runs `cargo install --path .` at the repository root) can
//! install it. See .pre-commit-hooks.yaml.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mclc::main()
}
