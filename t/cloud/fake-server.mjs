// fake-server.mjs: a loopback stand-in for the CloudPAM server's discovery
// intake, for t/cloud/collector.t.  The real endpoints come in a later
// release; this one takes what `cloudpam-collector --server` pushes.
//
//   node t/cloud/fake-server.mjs --token TOKEN [--fail-first N]
//
//   POST /api/v1/discovery            one payload chunk (JSON).  Needs
//                                     "Authorization: Bearer TOKEN", else
//                                     401.  Stored, answered 202.  With
//                                     --fail-first N, the first N attempts
//                                     at the first chunk get 503 (and a
//                                     Retry-After: 0) before it is taken.
//   POST /api/v1/discovery/heartbeat  {"collector_id", "run_id", "status",
//                                     "records"}; same token; 202.
//   GET  /received                    what came: {"chunks": [...bodies],
//                                     "heartbeats": [...], "attempts":
//                                     [{"path", "status", "json", "bytes"}]}
//
// Bodies are capped at 64 MiB (413 past that); a body that is not JSON gets
// 400 and is recorded as an attempt with json false, so a test sees it.
// The token is compared, never stored nor printed.  Prints "listening PORT"
// when ready; stops on SIGTERM.
import { createServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

const BODY_MAX = 64 << 20;

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const token = option('--token', '');
let failFirst = Number(option('--fail-first', '0'));
if (!token) {
  console.error('fake-server: --token is required');
  process.exit(2);
}

const chunks = [];
const heartbeats = [];
const attempts = [];

function send(res, status, body, headers = {}) {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': text.length, ...headers });
  res.end(text);
}

function authorized(req) {
  const want = Buffer.from(`Bearer ${token}`);
  const have = Buffer.from(req.headers.authorization || '');
  return have.length === want.length && timingSafeEqual(have, want);
}

// The body, or null when it is larger than BODY_MAX.
async function readBody(req) {
  const parts = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > BODY_MAX) return null;
    parts.push(c);
  }
  return Buffer.concat(parts).toString('utf8');
}

async function intake(req, res, path) {
  const attempt = { path, status: 0, json: false, bytes: 0, content_type: req.headers['content-type'] || '' };
  attempts.push(attempt);
  const text = await readBody(req);
  if (text === null) {
    attempt.status = 413;
    return send(res, 413, { error: 'too_large', message: 'body over 64 MiB' });
  }
  attempt.bytes = Buffer.byteLength(text);
  let body;
  try {
    body = JSON.parse(text);
    attempt.json = true;
  } catch {
    body = undefined;
  }
  if (!authorized(req)) {
    attempt.status = 401;
    return send(res, 401, { error: 'unauthorized', message: 'a valid collector token is required' },
      { 'WWW-Authenticate': 'Bearer realm="cloudpam"' });
  }
  if (!attempt.json) {
    attempt.status = 400;
    return send(res, 400, { error: 'bad_request', message: 'the body is not JSON' });
  }
  if (path === '/api/v1/discovery/heartbeat') {
    heartbeats.push(body);
    attempt.status = 202;
    return send(res, 202, { ok: true });
  }
  if (chunks.length === 0 && failFirst > 0) {
    failFirst--;
    attempt.status = 503;
    return send(res, 503, { error: 'unavailable', message: 'try again' }, { 'Retry-After': '0' });
  }
  attempt.chunk = body.chunk ? body.chunk.index : null;
  chunks.push(body);
  attempt.status = 202;
  send(res, 202, { run_id: body.run_id, chunk: attempt.chunk, records: (body.records || []).length });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (req.method === 'POST' && (url.pathname === '/api/v1/discovery' || url.pathname === '/api/v1/discovery/heartbeat')) {
      return await intake(req, res, url.pathname);
    }
    if (req.method === 'GET' && url.pathname === '/received') return send(res, 200, { chunks, heartbeats, attempts });
    send(res, 404, { error: 'not_found', message: `no route ${req.method} ${url.pathname}` });
  } catch (e) {
    send(res, 500, { error: 'internal', message: String(e) });
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
