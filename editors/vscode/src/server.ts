// How the extension starts and talks to `mclc lsp`, without any dependency on VS Code, so the
// node tests (test/launch.test.ts) can spawn the real server exactly as the extension does.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The names of the server's `workspace/executeCommand` commands. */
export const SERVER_COMMANDS = {
  /** Arguments `[uri]`; result: the resource graph as text. */
  showGraph: 'mcl.showGraph',
  /** Arguments `[{ uri, noop }]`, with work-done progress; result: a message. */
  deploy: 'mcl.deploy',
} as const;

/** The extension's settings (`mcl.*` in VS Code). */
export interface Settings {
  /** `mcl.server.path`: the `mclc` binary; a bare name is looked up on PATH. */
  serverPath: string;
  /** `mcl.server.extraArgs`: arguments after `mclc lsp`. */
  extraArgs: string[];
  /** `mcl.etcd.endpoints`: where deploys go; empty means the server's default. */
  etcdEndpoints: string[];
}

/** Reads the settings through `get(key)` (e.g. `workspace.getConfiguration('mcl').get`), with defaults. */
export function readSettings(get: (key: string) => unknown): Settings {
  const str = (v: unknown, d: string) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : d);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);
  return {
    serverPath: str(get('server.path'), 'mclc'),
    extraArgs: strings(get('server.extraArgs')),
    etcdEndpoints: strings(get('etcd.endpoints')),
  };
}

/** A process to start: what `vscode-languageclient`'s `Executable` needs. */
export interface ServerLaunch {
  command: string;
  args: string[];
  options: { env: NodeJS.ProcessEnv; cwd?: string };
}

/**
 * The command line of the language server: `<serverPath> lsp <extraArgs…>`.
 *
 * `~/` at the start of the path is the home directory; a relative path with a directory part
 * (`./bin/mclc`) is taken from the first workspace folder; a bare name (`mclc`) stays as is and
 * is found on PATH when the process starts.
 */
export function serverLaunch(settings: Settings, env: NodeJS.ProcessEnv, workspaceFolder?: string): ServerLaunch {
  return {
    command: resolveServerPath(settings.serverPath, workspaceFolder),
    args: ['lsp', ...settings.extraArgs],
    options: { env: { ...env }, cwd: workspaceFolder },
  };
}

export function resolveServerPath(p: string, workspaceFolder?: string): string {
  if (p === '~' || p.startsWith('~/')) {
    return path.join(os.homedir(), p.slice(1));
  }
  const hasDir = p.includes('/') || (process.platform === 'win32' && p.includes('\\'));
  if (hasDir && !path.isAbsolute(p) && workspaceFolder) {
    return path.resolve(workspaceFolder, p);
  }
  return p;
}

/**
 * Where `command` would be found: itself if it has a directory part and is an executable file,
 * else the first executable `dir/command` on `env.PATH`; `undefined` if nowhere (so the extension
 * can say so instead of a bare spawn error).
 */
export function findExecutable(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const isExec = (f: string) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes(path.sep)) {
    return exts.map((e) => command + e).find(isExec);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const hit = exts.map((e) => path.join(dir, command + e)).find(isExec);
    if (hit) {
      return hit;
    }
  }
  return undefined;
}

/**
 * `initializationOptions` of the initialize request: the client settings under `mcl`, the same
 * shape the server gets from `workspace/configuration` for the section `mcl`.
 */
export function initializationOptions(settings: Settings): { mcl: { etcd: { endpoints: string[] } } } {
  return { mcl: { etcd: { endpoints: settings.etcdEndpoints } } };
}

/** Arguments of `mcl.deploy` for the document `uri`. */
export function deployArguments(uri: string, noop: boolean): [{ uri: string; noop: boolean }] {
  return [{ uri, noop }];
}

/** Arguments of `mcl.showGraph` for the document `uri`. */
export function showGraphArguments(uri: string): [string] {
  return [uri];
}

/** The file selector of the language client: mcl documents on disk and unsaved ones. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'mcl' },
  { scheme: 'untitled', language: 'mcl' },
];
