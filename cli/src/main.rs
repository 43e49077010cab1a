//! The `mclc` binary (the program lives in the library, see lib.rs).

/// mimalloc: the compiler and evaluator allocate many small nodes, and glibc's allocator spent
/// about 30% of `mclc graph` in consolidation; mimalloc roughly halves evaluation time.
#[global_allocator]
static GLOBAL: mcl_compiler::alloc::MiMalloc = mcl_compiler::alloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mclc::main()
}
