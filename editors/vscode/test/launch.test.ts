// The extension's server-launch code (src/server.ts, compiled) against the real `mclc lsp`:
// the command line, environment and initializationOptions the extension computes start a server
// that answers initialize, publishes diagnostics, hovers and shuts down cleanly.
//
// MCLC names the mclc binary under test (the Rust test tests/tests/editor_vscode.rs sets it);
// without it these tests skip.

import { spawn, ChildProcess } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  deployArguments,
  findExecutable,
  initializationOptions,
  readSettings,
  resolveServerPath,
  serverLaunch,
  showGraphArguments,
  SERVER_COMMANDS,
} from '../src/server';

const MCLC = process.env.MCLC;
const skip = MCLC ? false : 'MCLC is not set (the path of the mclc binary under test)';

function settingsFrom(values: Record<string, unknown>) {
  return readSettings((key) => values[key]);
}

test('settings default to mclc on PATH and no endpoints', () => {
  const s = settingsFrom({});
  assert.deepEqual(s, { serverPath: 'mclc', extraArgs: [], etcdEndpoints: [] });
  const launch = serverLaunch(s, { PATH: '/x' });
  assert.equal(launch.command, 'mclc');
  assert.deepEqual(launch.args, ['lsp']);
  assert.equal(launch.options.env.PATH, '/x');
});

test('settings: paths, extra args, endpoints and command arguments', () => {
  const s = settingsFrom({
    'server.path': ' ./bin/mclc ',
    'server.extraArgs': ['--x', 3],
    'etcd.endpoints': ['http://127.0.0.1:2379', ''],
  });
  const launch = serverLaunch(s, {}, '/ws');
  assert.equal(launch.command, path.resolve('/ws', 'bin/mclc'));
  assert.deepEqual(launch.args, ['lsp', '--x']);
  assert.equal(launch.options.cwd, '/ws');
  assert.deepEqual(initializationOptions(s), { mcl: { etcd: { endpoints: ['http://127.0.0.1:2379'] } } });
  assert.equal(resolveServerPath('~/bin/mclc'), path.join(os.homedir(), 'bin/mclc'));
  assert.equal(resolveServerPath('/opt/mclc', '/ws'), '/opt/mclc');
  assert.deepEqual(deployArguments('file:///a.mcl', true), [{ uri: 'file:///a.mcl', noop: true }]);
  assert.deepEqual(showGraphArguments('file:///a.mcl'), ['file:///a.mcl']);
  assert.equal(SERVER_COMMANDS.deploy, 'mcl.deploy');
  assert.equal(SERVER_COMMANDS.showGraph, 'mcl.showGraph');
});

test('findExecutable looks on PATH and says when the server is missing', { skip }, () => {
  const dir = path.dirname(MCLC!);
  assert.equal(findExecutable('mclc', { PATH: `/nonexistent${path.delimiter}${dir}` }), path.join(dir, 'mclc'));
  assert.equal(findExecutable(MCLC!, {}), MCLC);
  assert.equal(findExecutable('mclc', { PATH: '/nonexistent' }), undefined);
  assert.equal(findExecutable('/nonexistent/mclc', { PATH: dir }), undefined);
});

/** Starts the server with the launch the extension computes; returns the process and a connection. */
function startServer(values: Record<string, unknown>, env: NodeJS.ProcessEnv, folder: string) {
  const launch = serverLaunch(settingsFrom(values), env, folder);
  assert.ok(findExecutable(launch.command, launch.options.env), `${launch.command} is found`);
  const child: ChildProcess = spawn(launch.command, launch.args, { ...launch.options, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const conn: ProtocolConnection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  conn.listen();
  return { child, conn, stderr: () => stderr };
}

test('the computed launch starts mclc lsp: initialize, diagnostics, hover, shutdown', { skip, timeout: 60_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mcl-vscode-'));
  try {
    const file = path.join(folder, 'main.mcl');
    const text = '$n = 42\n$s str = $n\ntest "t" {\n\tanotherstr => $s,\n}\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    // As with the default setting: a bare `mclc` found on PATH.
    const env = { ...process.env, PATH: `${path.dirname(MCLC!)}${path.delimiter}${process.env.PATH ?? ''}` };
    const values = { 'server.path': 'mclc', 'etcd.endpoints': ['http://127.0.0.1:2379'] };
    const { child, conn, stderr } = startServer(values, env, folder);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => {
      conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
        if (p.uri === uri && p.diagnostics.length > 0) {
          resolve(p);
        }
      });
    });
    // The server may ask for the `mcl` configuration section, as VS Code's client answers it.
    conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'mcl' ? initializationOptions(settingsFrom(values)).mcl : null)),
    );

    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(folder).toString(),
      workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: 'ws' }],
      capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
      initializationOptions: initializationOptions(settingsFrom(values)),
    });
    assert.equal(init.serverInfo?.name, 'mclc', `serverInfo: ${JSON.stringify(init.serverInfo)}`);
    assert.ok(init.capabilities.hoverProvider, 'hover is advertised');
    assert.ok(init.capabilities.textDocumentSync, 'text sync is advertised');
    await conn.sendNotification(InitializedNotification.type, {});

    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'mcl', version: 1, text },
    });
    const published = await diagnostics;
    const lines = published.diagnostics.map((d) => d.range.start.line);
    assert.ok(lines.includes(1), `a diagnostic on line 2 (0-based 1): ${JSON.stringify(published.diagnostics)}`);

    const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.ok(hover, 'hover on $n answers');
    assert.match(JSON.stringify(hover.contents), /int/);

    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
    assert.equal(code, 0, `mclc lsp exits with 0 after shutdown/exit; stderr:\n${stderr()}`);
    conn.dispose();
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
