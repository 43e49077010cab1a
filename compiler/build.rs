//! Compiles grammar/mcl.lalrpop (the single grammar file) into OUT_DIR/mcl.rs.

fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("../grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("grammar/mcl.lalrpop failed to compile");
}
