// @generated from mgmt's builtin fact tables (mgmt @ 60c024dd52ae) by a throwaway generator kept
// outside the repository. One entry per line; fields left out take the defaults of the module
// that includes this file.

#[rustfmt::skip]
static KINDS: &[KindDef] = &[
    KindDef {
        name: "_panic",
        fields: &[],
        ..KIND
    },
    KindDef {
        name: "augeas",
        fields: &[
            FieldDef { name: "file", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "lens", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "sets", ty: "[]struct{path str; value str}", go_type: "[]*AugeasSet", ..FIELD },
        ],
        build_tag: Some("!noaugeas"),
        ..KIND
    },
    KindDef {
        name: "aws:ec2",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "region", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "type", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "imageid", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchendpoint", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchlistenaddr", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "erroronmalformedpost", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "userdata", ty: "str", go_type: "string", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "bmc:firmware",
        fields: &[
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "port", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "username", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "password", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "insecure_password", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "provider", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "file", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "hash", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "version", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "block", ty: "str", go_type: "string", ..FIELD },
        ],
        build_tag: Some("!nobmc"),
        ..KIND
    },
    KindDef {
        name: "bmc:power",
        fields: &[
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "port", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "username", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "password", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "insecure_password", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "driver", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
        ],
        build_tag: Some("!nobmc"),
        ..KIND
    },
    KindDef {
        name: "consul:kv",
        fields: &[
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "value", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "scheme", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "address", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "token", ty: "str", go_type: "string", ..FIELD },
        ],
        build_tag: Some("!noconsul"),
        ..KIND
    },
    KindDef {
        name: "cron",
        fields: &[
            FieldDef { name: "unit", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "startup", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "session", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "trigger", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "time", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "accuracysec", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "randomizeddelaysec", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "persistent", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "wakesystem", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "remainafterelapse", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "description", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        recv: true,
        autoedges: true,
        traits: &["Edgeable", "Recvable", "Refreshable"],
        ..KIND
    },
    KindDef {
        name: "deploy:tar",
        fields: &[
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "format", ty: "int", go_type: "int", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "dhcp:host",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mac", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ip", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "nbp", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "nbp_path", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Groupable"],
        ..KIND
    },
    KindDef {
        name: "dhcp:range",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "network", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "from", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "to", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mask", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "skip", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "persist", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "nbp", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "nbp_path", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Groupable"],
        ..KIND
    },
    KindDef {
        name: "dhcp:server",
        fields: &[
            FieldDef { name: "address", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "interface", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "serverid", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "leasetime", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "dns", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "routers", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "nbp", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "docker:container",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "image", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "cmd", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "env", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "ports", ty: "map{str: map{int: int}}", go_type: "map[string]map[int64]int64", ..FIELD },
            FieldDef { name: "apiversion", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "force", ty: "bool", go_type: "bool", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        build_tag: Some("!nodocker"),
        ..KIND
    },
    KindDef {
        name: "docker:image",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "apiversion", ty: "str", go_type: "string", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        build_tag: Some("!nodocker"),
        ..KIND
    },
    KindDef {
        name: "exec",
        fields: &[
            FieldDef { name: "cmd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "args", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "cwd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "shell", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "env", ty: "map{str: str}", go_type: "map[string]string", ..FIELD },
            FieldDef { name: "sig", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchcmd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchcwd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchshell", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "watchfiles", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "ifcmd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ifcwd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ifshell", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ifequals", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "ifequals_stdout", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "nifcmd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "nifcwd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "nifshell", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "creates", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mtimes", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "donecmd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "donecwd", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "doneshell", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "user", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "group", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "send_output", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "send_stdout", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "send_stderr", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        send: &[
            FieldDef { name: "output", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "stdout", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "stderr", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "exit",
        fields: &[
            FieldDef { name: "code", ty: "int", go_type: "uint8", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "file",
        fields: &[
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "dirname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "basename", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "content", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "source", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "fragments", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "owner", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "group", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mode", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "recurse", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "force", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "purge", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "symlink", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "selinux", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        recv: true,
        autoedges: true,
        traits: &["Edgeable", "GraphQueryable", "Recvable", "Reversible"],
        ..KIND
    },
    KindDef {
        name: "firewalld",
        fields: &[
            FieldDef { name: "zone", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "services", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "ports", ty: "[]str", go_type: "[]string", ..FIELD },
        ],
        build_tag: Some("linux"),
        ..KIND
    },
    KindDef {
        name: "fwattr",
        fields: &[
            FieldDef { name: "driver", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "value", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "check", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "strict", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "skip", ty: "bool", go_type: "bool", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "fwupd:device",
        fields: &[
            FieldDef { name: "device", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "version", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "allow_downgrade", ty: "bool", go_type: "bool", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "fwupd:remote",
        fields: &[
            FieldDef { name: "enabled", ty: "bool", go_type: "*bool", optional: true, ..FIELD },
            FieldDef { name: "refresh_age", ty: "str", go_type: "string", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "fwupd:system",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "exclude", ty: "[]str", go_type: "[]string", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "group",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "gid", ty: "int", go_type: "*uint32", optional: true, ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "gsettings",
        fields: &[
            FieldDef { name: "schema", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "type", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "value", ty: "variant", go_type: "interface{}", variant: true, ..FIELD },
            FieldDef { name: "user", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "group", ty: "str", go_type: "string", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "gzip",
        fields: &[
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "input", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "content", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "level", ty: "int", go_type: "int", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "hetzner:vm",
        fields: &[
            FieldDef { name: "apitoken", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "allowrebuild", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "servertype", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "datacenter", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "image", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "userdata", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "serverrescuemode", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "serverrescuekeys", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "waitinterval", ty: "int", go_type: "uint32", ..FIELD },
            FieldDef { name: "waittimeout", ty: "int", go_type: "uint32", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "hostname",
        fields: &[
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "pretty_hostname", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "static_hostname", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "transient_hostname", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "http:client",
        fields: &[
            FieldDef { name: "file", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "method", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "url", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "body", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "mtime_check", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "sha256", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "longpoll", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "longpoll_redirect", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "longpoll_conditional", ty: "bool", go_type: "bool", ..FIELD },
        ],
        send: &[
            FieldDef { name: "content", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        traits: &["Edgeable", "Refreshable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "http:server",
        fields: &[
            FieldDef { name: "address", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "timeout", ty: "int", go_type: "*uint64", optional: true, ..FIELD },
            FieldDef { name: "read_timeout", ty: "int", go_type: "*uint64", optional: true, ..FIELD },
            FieldDef { name: "write_timeout", ty: "int", go_type: "*uint64", optional: true, ..FIELD },
            FieldDef { name: "shutdown_timeout", ty: "int", go_type: "*uint64", optional: true, ..FIELD },
            FieldDef { name: "root", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "http:server:file",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "filename", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "data", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "longpoll", ty: "bool", go_type: "bool", ..FIELD },
        ],
        recv: true,
        autoedges: true,
        autogroup: true,
        traits: &["Edgeable", "Groupable", "Recvable"],
        ..KIND
    },
    KindDef {
        name: "http:server:flag",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
        ],
        send: &[
            FieldDef { name: "value", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "http:server:proxy",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "sub", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "head", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "cache", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "http:server:ui",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "data", ty: "struct{title str; head str}", go_type: "*HTTPServerUIResData", optional: true, ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "http:server:ui:input",
        fields: &[
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "id", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "value", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "store", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "type", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "sort", ty: "str", go_type: "string", ..FIELD },
        ],
        send: &[
            FieldDef { name: "value", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        autogroup: true,
        traits: &["Edgeable", "Groupable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "json:edit",
        fields: &[
            FieldDef { name: "store", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "edits", ty: "[]str", go_type: "[]string", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "kv",
        fields: &[
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "value", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "mapped", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "skiplessthan", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "skipcmpstyle", ty: "int", go_type: "KVResSkipCmpStyle", ..FIELD },
        ],
        recv: true,
        traits: &["Recvable", "Refreshable"],
        ..KIND
    },
    KindDef {
        name: "line",
        fields: &[
            FieldDef { name: "file", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "content", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "trim", ty: "bool", go_type: "bool", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "mount",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "device", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "type", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "options", ty: "map{str: str}", go_type: "map[string]string", ..FIELD },
            FieldDef { name: "freq", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "passno", ty: "int", go_type: "int", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "msg",
        fields: &[
            FieldDef { name: "body", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "priority", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "fields", ty: "map{str: str}", go_type: "map[string]string", ..FIELD },
            FieldDef { name: "journal", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "syslog", ty: "bool", go_type: "bool", ..FIELD },
        ],
        traits: &["Refreshable"],
        ..KIND
    },
    KindDef {
        name: "net",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "addrs", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "gateway", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ip_forward", ty: "bool", go_type: "*bool", optional: true, ..FIELD },
        ],
        traits: &["Reversible"],
        build_tag: Some("!darwin"),
        ..KIND
    },
    KindDef {
        name: "noop",
        fields: &[
            FieldDef { name: "comment", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Groupable", "Refreshable"],
        ..KIND
    },
    KindDef {
        name: "nspawn",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
        ],
        traits: &["Refreshable"],
        ..KIND
    },
    KindDef {
        name: "password",
        fields: &[
            FieldDef { name: "length", ty: "int", go_type: "uint16", ..FIELD },
            FieldDef { name: "saved", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "check_recovery", ty: "bool", go_type: "bool", ..FIELD },
        ],
        send: &[
            FieldDef { name: "password", ty: "str", go_type: "*string", optional: true, ..FIELD },
        ],
        traits: &["Refreshable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "pkg",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "allowdowngrade", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "allowuntrusted", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "allownonfree", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "allowunsupported", ty: "bool", go_type: "bool", ..FIELD },
        ],
        autoedges: true,
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "print",
        fields: &[
            FieldDef { name: "msg", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "refresh_only", ty: "bool", go_type: "bool", ..FIELD },
        ],
        recv: true,
        autogroup: true,
        group_parent: true,
        traits: &["Groupable", "Recvable", "Refreshable"],
        ..KIND
    },
    KindDef {
        name: "remote",
        fields: &[
            FieldDef { name: "remote", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ssh_id", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "hostkey", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "interactive", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "interactive_timeout", ty: "int", go_type: "uint", ..FIELD },
            FieldDef { name: "max_password_tries", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "allow_cleartext_password", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "caching", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "transient", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "tunnelled", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "tunnel_addr", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "install_deps", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "converger_timeout", ty: "int", go_type: "*int", optional: true, ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "schedule",
        fields: &[
            FieldDef { name: "namespace", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "strategy", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "max", ty: "int", go_type: "*int", optional: true, ..FIELD },
            FieldDef { name: "persist", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "ttl", ty: "int", go_type: "*int", optional: true, ..FIELD },
            FieldDef { name: "withdraw", ty: "bool", go_type: "bool", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "ssh:authorized_key",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "file", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "user", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "content", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "options", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "type", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "key", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "comment", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mkdir", ty: "bool", go_type: "bool", ..FIELD },
        ],
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "svc",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "startup", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "session", ty: "bool", go_type: "bool", ..FIELD },
        ],
        autoedges: true,
        autogroup: true,
        traits: &["Edgeable", "Groupable", "Refreshable"],
        ..KIND
    },
    KindDef {
        name: "sysctl",
        fields: &[
            FieldDef { name: "value", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "runtime", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "persist", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "tar",
        fields: &[
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "inputs", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "format", ty: "int", go_type: "int", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "test",
        fields: &[
            FieldDef { name: "bool", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "str", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "int", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "int8", ty: "int", go_type: "int8", ..FIELD },
            FieldDef { name: "int16", ty: "int", go_type: "int16", ..FIELD },
            FieldDef { name: "int32", ty: "int", go_type: "int32", ..FIELD },
            FieldDef { name: "int64", ty: "int", go_type: "int64", ..FIELD },
            FieldDef { name: "uint", ty: "int", go_type: "uint", ..FIELD },
            FieldDef { name: "uint8", ty: "int", go_type: "uint8", ..FIELD },
            FieldDef { name: "uint16", ty: "int", go_type: "uint16", ..FIELD },
            FieldDef { name: "uint32", ty: "int", go_type: "uint32", ..FIELD },
            FieldDef { name: "uint64", ty: "int", go_type: "uint64", ..FIELD },
            FieldDef { name: "byte", ty: "int", go_type: "byte", ..FIELD },
            FieldDef { name: "rune", ty: "int", go_type: "rune", ..FIELD },
            FieldDef { name: "float32", ty: "float", go_type: "float32", ..FIELD },
            FieldDef { name: "float64", ty: "float", go_type: "float64", ..FIELD },
            FieldDef { name: "boolptr", ty: "bool", go_type: "*bool", optional: true, ..FIELD },
            FieldDef { name: "stringptr", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "int64ptr", ty: "int", go_type: "*int64", optional: true, ..FIELD },
            FieldDef { name: "int8ptr", ty: "int", go_type: "*int8", optional: true, ..FIELD },
            FieldDef { name: "uint8ptr", ty: "int", go_type: "*uint8", optional: true, ..FIELD },
            FieldDef { name: "int8ptrptrptr", ty: "int", go_type: "***int8", optional: true, ..FIELD },
            FieldDef { name: "slicestring", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "mapintfloat", ty: "map{int: float}", go_type: "map[int64]float64", ..FIELD },
            FieldDef { name: "mixedstruct", ty: "struct{somebool bool; somestr str; someint int; somefloat float}", go_type: "struct{SomeBool bool; SomeStr string; SomeInt int64; SomeFloat float64; somePrivatefield string}", ..FIELD },
            FieldDef { name: "interface", ty: "variant", go_type: "interface{}", variant: true, ..FIELD },
            FieldDef { name: "anotherstr", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "func1", ty: "func(int) str", go_type: "func(int) string", ..FIELD },
            FieldDef { name: "validatebool", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "validateerror", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "alwaysgroup", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "comparefail", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "sendvalue", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "expectrecv", ty: "[]str", go_type: "*[]string", optional: true, ..FIELD },
            FieldDef { name: "onlyshow", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "waitforerror", ty: "int", go_type: "int64", ..FIELD },
            FieldDef { name: "comment", ty: "str", go_type: "string", ..FIELD },
        ],
        skipped_fields: &["complex64", "complex128"],
        send: &[
            FieldDef { name: "hello", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "answer", ty: "int", go_type: "int", ..FIELD },
        ],
        recv: true,
        autogroup: true,
        group_parent: true,
        traits: &["Groupable", "Recvable", "Refreshable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "tftp:file",
        fields: &[
            FieldDef { name: "server", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "filename", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "path", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "data", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "tftp:server",
        fields: &[
            FieldDef { name: "address", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "timeout", ty: "int", go_type: "uint64", ..FIELD },
            FieldDef { name: "root", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        ..KIND
    },
    KindDef {
        name: "timer",
        fields: &[
            FieldDef { name: "interval", ty: "int", go_type: "uint32", ..FIELD },
        ],
        traits: &["Refreshable"],
        ..KIND
    },
    KindDef {
        name: "user",
        fields: &[
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "uid", ty: "int", go_type: "*uint32", optional: true, ..FIELD },
            FieldDef { name: "gid", ty: "int", go_type: "*uint32", optional: true, ..FIELD },
            FieldDef { name: "group", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "groups", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "homedir", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "shell", ty: "str", go_type: "*string", optional: true, ..FIELD },
            FieldDef { name: "allowduplicateuid", ty: "bool", go_type: "bool", ..FIELD },
        ],
        autoedges: true,
        traits: &["Edgeable"],
        ..KIND
    },
    KindDef {
        name: "value",
        fields: &[
            FieldDef { name: "any", ty: "variant", go_type: "*interface{}", optional: true, variant: true },
        ],
        send: &[
            FieldDef { name: "any", ty: "variant", go_type: "*interface{}", optional: true, variant: true },
        ],
        recv: true,
        traits: &["Recvable", "Sendable"],
        ..KIND
    },
    KindDef {
        name: "virt",
        fields: &[
            FieldDef { name: "uri", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "startup", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "transient", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "cpus", ty: "int", go_type: "uint", ..FIELD },
            FieldDef { name: "maxcpus", ty: "int", go_type: "uint", ..FIELD },
            FieldDef { name: "hotcpus", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "memory", ty: "int", go_type: "uint64", ..FIELD },
            FieldDef { name: "osinit", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "boot", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "disk", ty: "[]struct{source str; type str}", go_type: "[]*DiskDevice", ..FIELD },
            FieldDef { name: "cdrom", ty: "[]struct{source str; type str}", go_type: "[]*CDRomDevice", ..FIELD },
            FieldDef { name: "network", ty: "[]struct{name str; mac str}", go_type: "[]*NetworkDevice", ..FIELD },
            FieldDef { name: "filesystem", ty: "[]struct{access str; source str; target str; read_only bool}", go_type: "[]*FilesystemDevice", ..FIELD },
            FieldDef { name: "auth", ty: "struct{username str; password str}", go_type: "*VirtAuth", optional: true, ..FIELD },
            FieldDef { name: "restartondiverge", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "restartonrefresh", ty: "bool", go_type: "bool", ..FIELD },
        ],
        traits: &["Refreshable"],
        build_tag: Some("!novirt"),
        ..KIND
    },
    KindDef {
        name: "virt:builder",
        fields: &[
            FieldDef { name: "output", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "os_version", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "arch", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "format", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "size", ty: "int", go_type: "int", ..FIELD },
            FieldDef { name: "packages", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "update", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "selinux_relabel", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "no_setup", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "ssh_keys", ty: "[]struct{user str; type str; key str; comment str}", go_type: "[]*SSHKeyInfo", ..FIELD },
            FieldDef { name: "root_ssh_inject", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "root_password_selector", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "bootstrap", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "seeds", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "mkdir", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "copy_in", ty: "[]struct{path str; dest str}", go_type: "[]*CopyIn", ..FIELD },
            FieldDef { name: "run_cmd", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "firstboot_cmd", ty: "[]str", go_type: "[]string", ..FIELD },
            FieldDef { name: "log_output", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "tweaks", ty: "bool", go_type: "bool", ..FIELD },
        ],
        ..KIND
    },
    KindDef {
        name: "virt:network",
        fields: &[
            FieldDef { name: "uri", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "state", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "transient", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "startup", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "uuid", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "device", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mode", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mac", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ip", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "purge_hosts", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "purge_ranges", ty: "bool", go_type: "bool", ..FIELD },
            FieldDef { name: "auth", ty: "struct{username str; password str}", go_type: "*VirtAuth", optional: true, ..FIELD },
        ],
        autogroup: true,
        group_parent: true,
        traits: &["Edgeable", "Groupable"],
        build_tag: Some("!novirt"),
        ..KIND
    },
    KindDef {
        name: "virt:network:host",
        fields: &[
            FieldDef { name: "network", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "hostname", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "mac", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "ip", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Groupable"],
        build_tag: Some("!novirt"),
        ..KIND
    },
    KindDef {
        name: "virt:network:range",
        fields: &[
            FieldDef { name: "network", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "start", ty: "str", go_type: "string", ..FIELD },
            FieldDef { name: "end", ty: "str", go_type: "string", ..FIELD },
        ],
        autogroup: true,
        traits: &["Groupable"],
        build_tag: Some("!novirt"),
        ..KIND
    },
];

#[rustfmt::skip]
static META_PARAMS: &[MetaParamDef] = &[
    MetaParamDef { name: "noop", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "retry", ty: "int", default: "0", go_type: "int16" },
    MetaParamDef { name: "retryreset", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "delay", ty: "int", default: "0", go_type: "uint64" },
    MetaParamDef { name: "timeout", ty: "int", default: "0", go_type: "uint64" },
    MetaParamDef { name: "poll", ty: "int", default: "0", go_type: "int32" },
    MetaParamDef { name: "limit", ty: "float", default: "+Inf", go_type: "rate.Limit (float64)" },
    MetaParamDef { name: "burst", ty: "int", default: "0", go_type: "int" },
    MetaParamDef { name: "reset", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "sema", ty: "[]str", default: "[]", go_type: "[]string" },
    MetaParamDef { name: "rewatch", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "realize", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "dollar", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "hidden", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "export", ty: "[]str", default: "[]", go_type: "[]string" },
    MetaParamDef { name: "reverse", ty: "bool", default: "false", go_type: "bool" },
    MetaParamDef { name: "autoedge", ty: "bool", default: "true", go_type: "bool" },
    MetaParamDef { name: "autogroup", ty: "bool", default: "true", go_type: "bool" },
];

/// The `Meta => struct{…}` type as the tables spell it (checked against the params by a test).
const META_STRUCT_TYPE: &str = "struct{noop bool; retry int; retryreset bool; delay int; timeout int; poll int; limit float; burst int; reset bool; sema []str; rewatch bool; realize bool; dollar bool; hidden bool; export []str; reverse bool; autoedge bool; autogroup bool}";

#[rustfmt::skip]
static EDGE_PROPERTIES: &[EdgePropertyDef] = &[
    EdgePropertyDef { name: "before", reverse: false, notify: false },
    EdgePropertyDef { name: "notify", reverse: false, notify: true },
    EdgePropertyDef { name: "depend", reverse: true, notify: false },
    EdgePropertyDef { name: "listen", reverse: true, notify: true },
];
