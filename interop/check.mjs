// Drives the gitscrum-mcp binary with the official MCP TypeScript SDK clients (the
// versions pinned in package-lock.json): @modelcontextprotocol/sdk (v1, what most
// clients embed) and @modelcontextprotocol/client (v2, what MCP Inspector 2 uses).
// For each: over stdio, over streamable HTTP, and the HTTP bearer-token rule on a
// non-loopback listener. The SDK clients check every structuredContent against the
// tool's outputSchema, so a schema mismatch fails here.
//
// The elicitation section (elicitationChecks) drives both questions with each SDK,
// over stdio on 2025-11-25 and 2026-07-28 and over HTTP.
//
// Usage: node check.mjs <gitscrum-mcp binary> <gitscrum-sandbox binary>
// Ends with "N passed, M failed" and exits 1 on any failure.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const [mcpBin, sandboxBin] = process.argv.slice(2);
if (!mcpBin || !sandboxBin) {
  console.error('usage: node check.mjs <gitscrum-mcp> <gitscrum-sandbox>');
  process.exit(2);
}

// The SDKs under test: their Client and transports.
const SDKS = [
  {
    label: 'sdk v1',
    load: async () => ({
      ...(await import('@modelcontextprotocol/sdk/client/index.js')),
      ...(await import('@modelcontextprotocol/sdk/client/stdio.js')),
      ...(await import('@modelcontextprotocol/sdk/client/streamableHttp.js')),
    }),
  },
  {
    label: 'client v2',
    load: async () => ({
      ...(await import('@modelcontextprotocol/client')),
      ...(await import('@modelcontextprotocol/client/stdio')),
    }),
  },
];
let Client, StdioClientTransport, StreamableHTTPClientTransport;

const ACME = '5b1e7c9a-3d2f-4a6b-8c1d-0e9f8a7b6c51';
const TOOLS = ['create_client', 'get_client', 'list_clients', 'update_client'];
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITSCRUM_')));

let passed = 0;
let failed = 0;
let current = ''; // the SDK under test, prefixed to every check

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${current}: ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${current}: ${name}\n     ${String(err?.stack ?? err).split('\n').join('\n     ')}`);
  }
}

function newClient() {
  return new Client({ name: 'gitscrum-interop', version: '1.0.0' });
}

function textOf(result) {
  return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

// exercise runs the same conversation over any transport.
async function exercise(label, client) {
  await check(`${label}: initialize names the server`, async () => {
    assert.equal(client.getServerVersion()?.name, 'gitscrum-mcp');
  });
  await check(`${label}: tools/list offers the four tools with explicit hints and output schemas`, async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    for (const t of tools) {
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']) {
        assert.equal(typeof t.annotations?.[hint], 'boolean', `${t.name}.${hint}`);
      }
      assert.equal(t.outputSchema?.type, 'object', `${t.name} outputSchema`);
      assert.ok(t.title, `${t.name} title`);
    }
  });
  await check(`${label}: get_client by UUID returns the record (validated by the SDK)`, async () => {
    const res = await client.callTool({ name: 'get_client', arguments: { client: ACME } });
    assert.ok(!res.isError, textOf(res));
    assert.equal(res.structuredContent.client.name, 'Acme Corp');
    assert.match(textOf(res), /Acme Corp \(5b1e7c9a/);
  });
  await check(`${label}: list_clients with a query`, async () => {
    const res = await client.callTool({ name: 'list_clients', arguments: { query: 'ACME', limit: 1 } });
    assert.ok(!res.isError, textOf(res));
    assert.equal(res.structuredContent.total, 2);
    assert.equal(res.structuredContent.next_offset, 1);
    assert.equal(res.structuredContent.clients[0].uuid, ACME);
  });
  await check(`${label}: an ambiguous name is an isError result listing the candidates`, async () => {
    const res = await client.callTool({ name: 'get_client', arguments: { client: 'acme' } });
    assert.equal(res.isError, true);
    assert.match(textOf(res), /matches 2 clients/);
    assert.match(textOf(res), new RegExp(ACME));
  });
  await check(`${label}: a bad argument is an isError result naming it`, async () => {
    const res = await client.callTool({ name: 'list_clients', arguments: { limit: 0 } });
    assert.equal(res.isError, true);
    assert.match(textOf(res), /Argument "limit" of list_clients must be from 1 to 200/);
  });
}

// ---- Resources and completions ------------------------------------------------
// The client resource template, the default workspace's list resource, reads (a
// missing client included) and completion/complete, with the SDK's own methods.

const CLIENT_TEMPLATE = 'gitscrum://{company_slug}/clients/{client}';
const HISTORY_TEMPLATE = 'gitscrum://{company_slug}/clients/{client}/history';

async function exerciseResources(label, client) {
  await check(`${label}: resources/templates/list offers the client and history templates`, async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), [CLIENT_TEMPLATE, HISTORY_TEMPLATE]);
  });
  await check(`${label}: resources/read of a client's history gives JSON`, async () => {
    const { contents } = await client.readResource({ uri: 'gitscrum://demo/clients/Acme%20Corp/history' });
    assert.deepEqual(contents.map((c) => c.mimeType), ['application/json']);
    const doc = JSON.parse(contents[0].text);
    assert.ok(Array.isArray(doc.entries), JSON.stringify(doc));
  });
  await check(`${label}: resources/list offers the default workspace's clients`, async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => [r.uri, r.mimeType]), [['gitscrum://demo/clients', 'application/json']]);
  });
  await check(`${label}: resources/read of a client by name gives JSON and Markdown`, async () => {
    const { contents } = await client.readResource({ uri: 'gitscrum://demo/clients/Acme%20Corp' });
    assert.deepEqual(contents.map((c) => c.mimeType), ['application/json', 'text/markdown']);
    assert.equal(JSON.parse(contents[0].text).uuid, ACME);
    assert.match(contents[1].text, /^# Acme Corp\n/);
  });
  await check(`${label}: resources/read of the list names the clients`, async () => {
    const { contents } = await client.readResource({ uri: 'gitscrum://demo/clients' });
    const doc = JSON.parse(contents[0].text);
    assert.ok(doc.clients.some((c) => c.uuid === ACME && c.name === 'Acme Corp'));
    assert.equal(doc.total, doc.clients.length);
  });
  await check(`${label}: resources/read of a missing client is a JSON-RPC error with the URI`, async () => {
    const uri = 'gitscrum://demo/clients/no-such-client';
    await assert.rejects(client.readResource({ uri }), (err) => {
      // -32602 from protocol version 2026-07-28 on, -32002 before.
      assert.ok([-32602, -32002].includes(err.code), `code ${err.code}: ${err.message}`);
      assert.equal(err.data?.uri, uri);
      return true;
    });
  });
  await check(`${label}: resources/read of an ambiguous name lists the candidates`, async () => {
    await assert.rejects(client.readResource({ uri: 'gitscrum://demo/clients/acme' }), /matches 2 clients.*Acme Corp/);
  });
  await check(`${label}: completion/complete for client gives matching names, best first`, async () => {
    const { completion } = await client.complete({
      ref: { type: 'ref/resource', uri: CLIENT_TEMPLATE },
      argument: { name: 'client', value: 'ac' },
    });
    assert.deepEqual(completion.values, ['Acme Corp', 'Acme Logistics']);
    assert.equal(completion.total, 2);
    assert.ok(!completion.hasMore);
  });
  await check(`${label}: completion/complete for company_slug gives the default workspace`, async () => {
    const { completion } = await client.complete({
      ref: { type: 'ref/resource', uri: CLIENT_TEMPLATE },
      argument: { name: 'company_slug', value: '' },
    });
    assert.deepEqual(completion.values, ['demo']);
  });
  await check(`${label}: get_client's result links the client's resource`, async () => {
    const res = await client.callTool({ name: 'get_client', arguments: { client: ACME } });
    const link = res.content.find((c) => c.type === 'resource_link');
    assert.ok(link, JSON.stringify(res.content));
    assert.equal(link.uri, `gitscrum://demo/clients/${ACME}`);
    assert.equal(link.name, 'Acme Corp');
    const { contents } = await client.readResource({ uri: link.uri });
    assert.equal(JSON.parse(contents[0].text).name, 'Acme Corp');
  });
}

// start spawns a binary and resolves with the first match of re on its stderr.
function start(bin, args, env, re) {
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin}: no match for ${re} in:\n${stderr}`)), 10000);
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = stderr.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`${bin} exited with ${code}:\n${stderr}`)));
  });
  return { proc, found };
}

// stop sends SIGTERM and resolves with the exit code.
function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}

async function overStdio() {
  const client = newClient();
  const transport = new StdioClientTransport({ command: mcpBin, args: ['--sandbox'], env: cleanEnv, stderr: 'ignore' });
  await client.connect(transport);
  await exercise('stdio', client);
  await exerciseResources('stdio', client);
  await client.close();
}

async function overHTTP() {
  const { proc, found } = start(mcpBin, ['--sandbox', '--http', '127.0.0.1:0'], cleanEnv, /addr=127\.0\.0\.1:(\d+)/);
  try {
    const port = await found;
    const client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    await exercise('http', client);
    await exerciseResources('http', client);
    await client.close();
  } finally {
    const code = await stop(proc);
    await check('http: SIGTERM exits 0', async () => assert.equal(code, 0));
  }
}

async function tokenRule() {
  const sandbox = start(sandboxBin, ['--addr', '127.0.0.1:0'], cleanEnv, /GITSCRUM_API_URL=(\S+)/);
  let mcp;
  try {
    const apiURL = await sandbox.found;
    const env = { ...cleanEnv, GITSCRUM_API_URL: apiURL, GITSCRUM_COMPANY_SLUG: 'demo' };
    mcp = start(mcpBin, ['--http', '0.0.0.0:0'], env, /addr=\S*:(\d+)/);
    const url = new URL(`http://127.0.0.1:${await mcp.found}/mcp`);

    await check('http on all interfaces: no token is refused with 401', async () => {
      const client = newClient();
      await assert.rejects(client.connect(new StreamableHTTPClientTransport(url)), /401|Unauthorized/i);
    });
    await check('http on all interfaces: the request token is used', async () => {
      const client = newClient();
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: 'Bearer sandbox-token' } },
      });
      await client.connect(transport);
      const res = await client.callTool({ name: 'get_client', arguments: { client: 'initech' } });
      assert.ok(!res.isError, textOf(res));
      assert.equal(res.structuredContent.client.name, 'Initech');
      await client.close();
    });
    await check('http on all interfaces: a wrong token is an isError result about the token', async () => {
      const client = newClient();
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: 'Bearer not-the-token' } },
      });
      await client.connect(transport);
      const res = await client.callTool({ name: 'list_clients', arguments: {} });
      assert.equal(res.isError, true);
      assert.match(textOf(res), /Authorization header \(401 Unauthorized\)/);
      await client.close();
    });
  } finally {
    if (mcp) await stop(mcp.proc);
    await stop(sandbox.proc);
  }
}

for (const sdk of SDKS) {
  ({ Client, StdioClientTransport, StreamableHTTPClientTransport } = await sdk.load());
  current = sdk.label;
  for (const [name, fn] of [['stdio', overStdio], ['http', overHTTP], ['token rule', tokenRule]]) {
    await check(`${name}: ran to the end`, fn);
  }
}
// ---- Elicitation: asking the user instead of failing ----
// A client that declares the elicitation capability is asked to pick among the
// clients an ambiguous name matches, and whether to create a duplicate. Before
// 2026-07-28 (stdio) the server sends elicitation/create; on 2026-07-28 the call
// answers input_required and the SDK asks and calls again. A 2025-11-25 client over
// (stateless) HTTP keeps the error listing the candidates.

const ACME_LOGISTICS = '0c4d2e8f-6a1b-4c3d-9e5f-7a8b9c0d1e22';

// elicitClient returns a client of the SDK that declares elicitation and answers
// each question with the next of answers (a function of the request params); the
// questions it got are in .asked.
async function elicitClient(sdk, extra = {}) {
  const mod = await sdk.load();
  const client = new mod.Client({ name: 'gitscrum-interop', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, ...extra });
  const state = { asked: [], answers: [] };
  const handler = async (request) => {
    state.asked.push(request.params);
    const next = state.answers.shift();
    if (!next) throw new Error('unexpected question: ' + request.params.message);
    return next(request.params);
  };
  if (sdk.label === 'sdk v1') {
    const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    client.setRequestHandler(ElicitRequestSchema, handler);
  } else {
    client.setRequestHandler('elicitation/create', handler);
  }
  return { client, state, mod };
}

// choices returns the values of the pick's client property, in either enum form.
function choices(params) {
  const prop = params.requestedSchema.properties.client;
  return prop.oneOf ? prop.oneOf.map((o) => o.const) : prop.enum;
}

async function elicitFlows(label, client, state, era) {
  if (client.getNegotiatedProtocolVersion) {
    await check(`${label}: negotiated ${era}`, async () => assert.equal(client.getNegotiatedProtocolVersion(), era));
  }
  await check(`${label}: an ambiguous get_client asks the user to pick, then shows the pick`, async () => {
    state.answers.push(() => ({ action: 'accept', content: { client: ACME_LOGISTICS } }));
    const res = await client.callTool({ name: 'get_client', arguments: { client: 'acme' } });
    assert.ok(!res.isError, textOf(res));
    assert.equal(res.structuredContent.client.uuid, ACME_LOGISTICS);
    const q = state.asked.at(-1);
    assert.match(q.message, /"acme" matches 2 clients/);
    assert.deepEqual(choices(q).sort(), [ACME_LOGISTICS, ACME].sort());
  });
  await check(`${label}: a declined pick changes nothing and is not an error`, async () => {
    state.answers.push(() => ({ action: 'decline' }));
    const res = await client.callTool({ name: 'update_client', arguments: { client: 'acme', notes: 'never written' } });
    assert.ok(!res.isError, textOf(res));
    assert.equal(res.structuredContent.answer, 'decline');
    assert.match(textOf(res), /Nothing was changed/);
    const again = await client.callTool({ name: 'get_client', arguments: { client: ACME } });
    assert.notEqual(again.structuredContent.client.notes, 'never written');
  });
  await check(`${label}: a duplicate create asks; a decline creates nothing`, async () => {
    state.answers.push(() => ({ action: 'decline' }));
    const res = await client.callTool({ name: 'create_client', arguments: { name: 'Acme Corp' } });
    assert.ok(!res.isError, textOf(res));
    assert.equal(res.structuredContent.answer, 'decline');
    assert.match(state.asked.at(-1).message, /already has a client/);
    assert.equal(state.asked.at(-1).requestedSchema.properties.create.type, 'boolean');
    const list = await client.callTool({ name: 'list_clients', arguments: { query: 'Acme Corp' } });
    assert.equal(list.structuredContent.total, 1);
  });
  await check(`${label}: a duplicate create with an explicit yes creates`, async () => {
    state.answers.push(() => ({ action: 'accept', content: { create: true } }));
    const res = await client.callTool({ name: 'create_client', arguments: { name: 'Acme Corp' } });
    assert.ok(!res.isError, textOf(res));
    assert.notEqual(res.structuredContent.client.uuid, ACME);
  });
}

async function elicitationChecks() {
  const [v1, v2] = SDKS;
  const modern = { versionNegotiation: { mode: { pin: '2026-07-28' } } };
  for (const [sdk, era, extra] of [[v1, '2025-11-25', {}], [v2, '2025-11-25', {}], [v2, '2026-07-28', modern]]) {
    current = `${sdk.label} elicitation`;
    await check(`stdio ${era}: ran to the end`, async () => {
      const { client, state, mod } = await elicitClient(sdk, extra);
      await client.connect(new mod.StdioClientTransport({ command: mcpBin, args: ['--sandbox'], env: cleanEnv, stderr: 'ignore' }));
      await elicitFlows(`stdio ${era}`, client, state, era);
      await client.close();
    });
  }
  for (const [sdk, era, extra] of [[v1, '2025-11-25', {}], [v2, '2026-07-28', modern]]) {
    current = `${sdk.label} elicitation`;
    await check(`http ${era}: ran to the end`, async () => {
      const { proc, found } = start(mcpBin, ['--sandbox', '--http', '127.0.0.1:0'], cleanEnv, /addr=127\.0\.0\.1:(\d+)/);
      try {
        const url = new URL(`http://127.0.0.1:${await found}/mcp`);
        const { client, state, mod } = await elicitClient(sdk, extra);
        await client.connect(new mod.StreamableHTTPClientTransport(url));
        if (era === '2026-07-28') {
          await elicitFlows(`http ${era}`, client, state, era);
        } else {
          await check(`http ${era}: stateless HTTP cannot ask, so the error lists the candidates`, async () => {
            const res = await client.callTool({ name: 'get_client', arguments: { client: 'acme' } });
            assert.equal(res.isError, true);
            assert.match(textOf(res), /matches 2 clients/);
            assert.equal(state.asked.length, 0);
          });
        }
        await client.close();
      } finally {
        await stop(proc);
      }
    });
  }
}

await elicitationChecks();

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
