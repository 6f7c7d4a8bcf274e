// fake-gcp.mjs: a loopback stand-in for Google's OAuth2 token endpoint,
// the GCE metadata server and Compute Engine v1, for t/cloud/gcp_azure.t.
//
// The token endpoint checks the service-account JWT assertion the way
// Google does (RFC 7523): signature with the `jose` library against the
// public key the test generated, iss, aud, scope, iat/exp.  A bad one gets
// 400 {"error":"invalid_grant"}.  Every Compute call must then carry a
// token this fake issued.  Answers are the recorded ones in
// testdata/gcp, served a page at a time: a list by items, an
// aggregatedList by scope, each page but the last with a nextPageToken
// holding '+', '/' and '=', so a token sent back unencoded shows.
//
// Environment:
//   FAKE_TESTDATA            testdata root (default ../shared/testdata)
//   FAKE_GCP_PUBLIC_KEY      SPKI PEM file of the service account's key
//   FAKE_GCP_CLIENT_EMAIL    the service account (the assertion's iss)
//   FAKE_PAGE_SIZE           items or scopes per page (default 1)
//   FAKE_TOKEN_EXPIRES_IN    seconds a token issued lives (default 3599);
//                            one past it is refused like an unknown one
//   FAKE_FAULTS              "429@3,500@5,truncate@7": the Nth Compute
//                            call answers 429 (Retry-After: 1), 500, or
//                            half its body before the socket is cut
// Prints "listening PORT" when ready.  GET /_fake/stats tells the test
// what was asked and answered, which tokens were issued, and how many
// times a token was asked for (tokenCalls, refused ones too).
import * as jose from 'jose';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

const testdata = process.env.FAKE_TESTDATA || '../shared/testdata';
const email = process.env.FAKE_GCP_CLIENT_EMAIL || '';
const pageSize = Number(process.env.FAKE_PAGE_SIZE || 1);
const expiresIn = Number(process.env.FAKE_TOKEN_EXPIRES_IN || 3599);
const SCOPE = 'https://www.googleapis.com/auth/compute.readonly';
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const publicKey = process.env.FAKE_GCP_PUBLIC_KEY
  ? await jose.importSPKI(readFileSync(process.env.FAKE_GCP_PUBLIC_KEY, 'utf8'), 'RS256')
  : null;

// Project -> resource -> fixture file (relative to testdata/gcp).
const projects = {
  project_name: {
    networks: 'libcloud/global_networks.json',
    subnetworks: 'libcloud/aggregated_subnetworks.json',
    instances: 'libcloud/aggregated_instances.json',
    addresses: 'libcloud/aggregated_addresses.json',
  },
  'cloud-custodian': {
    networks: 'cloud-custodian/test_vpc_firewall_filter_query__get-compute-v1-projects-cloud-custodian-global-networks_1.json',
    subnetworks: 'cloud-custodian/subnet-set-flow__get-compute-v1-projects-cloud-custodian-aggregated-subnetworks_1.json',
    instances: 'cloud-custodian/instance-query__get-compute-v1-projects-cloud-custodian-aggregated-instances_1.json',
    addresses: 'cloud-custodian/loadbalancer-address-labels__get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json',
  },
};

function fixture(file) {
  const doc = JSON.parse(readFileSync(`${testdata}/gcp/${file}`, 'utf8'));
  // cloud-custodian recordings wrap the answer: {"headers", "body"}.
  return doc.headers && doc.body ? doc.body : doc;
}

const faults = new Map();
for (const f of (process.env.FAKE_FAULTS || '').split(',').filter(Boolean)) {
  const [kind, n] = f.split('@');
  faults.set(Number(n), kind);
}

const tokens = new Map(); // token -> when it expires (ms)
const calls = [];
const refusals = [];
let dataCalls = 0;
let tokenCalls = 0;

function tokenValid(token) {
  return tokens.has(token) && tokens.get(token) > Date.now();
}

function send(res, status, body, headers = {}) {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': text.length, ...headers });
  res.end(text);
}

function googleError(res, status, message, reason) {
  send(res, status, { error: { code: status, message, status: reason, errors: [{ message, reason }] } });
}

function issue(res, expiresAsText) {
  const token = `ya29.fake-${randomBytes(18).toString('hex')}`;
  tokens.set(token, Date.now() + expiresIn * 1000);
  send(res, 200, { access_token: token, expires_in: expiresAsText ? String(expiresIn) : expiresIn, token_type: 'Bearer' });
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function tokenEndpoint(req, res, base) {
  tokenCalls++;
  const form = new URLSearchParams(await readBody(req));
  if (form.get('grant_type') !== GRANT) {
    refusals.push('grant_type');
    return send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be jwt-bearer' });
  }
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(form.get('assertion') || '', publicKey, {
      algorithms: ['RS256'], issuer: email, audience: `${base}/token`, requiredClaims: ['iat', 'exp'],
    });
    if (protectedHeader.typ !== 'JWT') throw new Error('typ is not JWT');
    if (payload.scope !== SCOPE) throw new Error(`scope ${payload.scope}`);
    if (payload.exp - payload.iat > 3600) throw new Error('lifetime over an hour');
    if (payload.iat > Date.now() / 1000 + 60) throw new Error('iat in the future');
  } catch (e) {
    refusals.push(String(e.code || e.message));
    return send(res, 400, { error: 'invalid_grant', error_description: `Invalid JWT Signature. (${e.code || e.message})` });
  }
  issue(res, false);
}

function metadataEndpoint(req, res) {
  tokenCalls++;
  if (req.headers['metadata-flavor'] !== 'Google') {
    refusals.push('metadata-flavor');
    return send(res, 403, { error: 'missing Metadata-Flavor: Google' });
  }
  issue(res, true);
}

// One page of a recorded answer: items [offset, offset + size).
function page(doc, offset, size) {
  const out = { ...doc };
  delete out.nextPageToken;
  let total;
  if (Array.isArray(doc.items)) {
    total = doc.items.length;
    out.items = doc.items.slice(offset, offset + size);
  } else {
    const scopes = Object.entries(doc.items || {});
    total = scopes.length;
    out.items = Object.fromEntries(scopes.slice(offset, offset + size));
  }
  if (offset + size < total) out.nextPageToken = `pt+${offset + size}/${randomBytes(4).toString('hex')}==`;
  return out;
}

// The offset a token stands for; -1 when the token came back mangled.
function offsetOf(token) {
  if (token === null) return 0;
  const m = token.match(/^pt\+(\d+)\/[0-9a-f]{8}==$/);
  return m ? Number(m[1]) : -1;
}

function computeEndpoint(req, res, url) {
  const m = url.pathname.match(/^\/compute\/v1\/projects\/([^/]+)\/(global\/networks|aggregated\/(subnetworks|instances|addresses))$/);
  const n = ++dataCalls;
  const call = { n, method: req.method, path: url.pathname, query: url.search, status: 0, fault: '' };
  calls.push(call);
  const auth = req.headers.authorization || '';
  if (!auth.startsWith('Bearer ') || !tokenValid(auth.slice(7))) {
    call.status = 401;
    return googleError(res, 401, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED');
  }
  if (!m) {
    call.status = 404;
    return googleError(res, 404, `no such path ${url.pathname}`, 'NOT_FOUND');
  }
  const project = decodeURIComponent(m[1]);
  const resource = m[3] || 'networks';
  call.project = project;
  call.resource = resource;
  if (!projects[project]) {
    call.status = 404;
    return googleError(res, 404, `The resource 'projects/${project}' was not found`, 'NOT_FOUND');
  }
  const max = Number(url.searchParams.get('maxResults') || 500);
  const offset = offsetOf(url.searchParams.get('pageToken'));
  call.offset = offset;
  if (offset < 0 || !(max >= 1 && max <= 500)) {
    call.status = 400;
    return googleError(res, 400, 'Invalid value for pageToken or maxResults', 'INVALID_ARGUMENT');
  }
  const fault = faults.get(n);
  call.fault = fault || '';
  if (fault === '429') {
    call.status = 429;
    return send(res, 429, { error: { code: 429, message: 'Rate Limit Exceeded', status: 'RESOURCE_EXHAUSTED' } }, { 'Retry-After': '1' });
  }
  if (fault === '500') {
    call.status = 500;
    return googleError(res, 500, 'Internal error. Please try again.', 'INTERNAL');
  }
  const body = page(fixture(projects[project][resource]), offset, Math.min(pageSize, max));
  call.status = 200;
  call.last = body.nextPageToken === undefined;
  if (fault === 'truncate') {
    const text = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length });
    return res.write(text.subarray(0, text.length >> 1), () => res.destroy());
  }
  send(res, 200, body);
}

const server = createServer(async (req, res) => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const url = new URL(req.url, base);
  try {
    if (req.method === 'POST' && url.pathname === '/token') return await tokenEndpoint(req, res, base);
    if (req.method === 'GET' && url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') return metadataEndpoint(req, res);
    if (req.method === 'GET' && url.pathname === '/_fake/stats') return send(res, 200, { calls, tokens: [...tokens.keys()], refusals, tokenCalls });
    if (req.method === 'GET' && url.pathname.startsWith('/compute/v1/')) return computeEndpoint(req, res, url);
    send(res, 404, { error: { code: 404, message: `no route ${req.method} ${url.pathname}` } });
  } catch (e) {
    send(res, 500, { error: { code: 500, message: String(e) } });
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
