// @generated from mgmt's builtin fact tables (mgmt @ 60c024dd52ae) by a throwaway generator kept
// outside the repository. One entry per line; fields left out take the defaults of the module
// that includes this file.

#[rustfmt::skip]
static CONSTS: &[ConstDef] = &[
    ConstDef { name: "const.res.file.state.exists", value: ConstValue::Str("exists"), module: None },
    ConstDef { name: "const.res.file.state.absent", value: ConstValue::Str("absent"), module: None },
    ConstDef { name: "const.res.file.state.undefined", value: ConstValue::Str(""), module: None },
    ConstDef { name: "const.res.firewalld.state.exists", value: ConstValue::Str("exists"), module: None },
    ConstDef { name: "const.res.firewalld.state.absent", value: ConstValue::Str("absent"), module: None },
    ConstDef { name: "const.res.firewalld.state.undefined", value: ConstValue::Str(""), module: None },
    ConstDef { name: "const.res.net.state.up", value: ConstValue::Str("up"), module: None },
    ConstDef { name: "const.res.net.state.down", value: ConstValue::Str("down"), module: None },
    ConstDef { name: "const.res.net.state.undefined", value: ConstValue::Str(""), module: None },
    ConstDef { name: "const.res.gzip.level.no_compression", value: ConstValue::Int(0), module: None },
    ConstDef { name: "const.res.gzip.level.best_speed", value: ConstValue::Int(1), module: None },
    ConstDef { name: "const.res.gzip.level.best_compression", value: ConstValue::Int(9), module: None },
    ConstDef { name: "const.res.gzip.level.default_compression", value: ConstValue::Int(-1), module: None },
    ConstDef { name: "const.res.gzip.level.huffman_only", value: ConstValue::Int(-2), module: None },
    ConstDef { name: "const.res.tar.format.unknown", value: ConstValue::Int(0), module: None },
    ConstDef { name: "const.res.tar.format.ustar", value: ConstValue::Int(2), module: None },
    ConstDef { name: "const.res.tar.format.pax", value: ConstValue::Int(4), module: None },
    ConstDef { name: "const.res.tar.format.gnu", value: ConstValue::Int(8), module: None },
];

#[rustfmt::skip]
static MODULE_VARS: &[ConstDef] = &[
    ConstDef { name: "os.family_redhat", value: ConstValue::Str("redhat"), module: Some("os") },
    ConstDef { name: "os.family_debian", value: ConstValue::Str("debian"), module: Some("os") },
    ConstDef { name: "os.family_archlinux", value: ConstValue::Str("archlinux"), module: Some("os") },
    ConstDef { name: "example.test1", value: ConstValue::Int(13), module: Some("example") },
];

#[rustfmt::skip]
static BUILTIN_VARS: &[ConstDef] = &[
    ConstDef { name: "purpleidea", value: ConstValue::Str("hello world!"), module: None },
    ConstDef { name: "hostname", value: ConstValue::Hostname, module: None },
];
