//! `mclc-hook`: the `mclc` program under another name, built by the root package so that
//! pre-commit's `language: rust` (which runs `cargo install --path .` at the repository root) can
//! install it. See .pre-commit-hooks.yaml.

#[global_allocator]
static GLOBAL: mcl_compiler::alloc::MiMalloc = mcl_compiler::alloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mclc::main()
}
