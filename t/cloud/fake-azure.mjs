// fake-azure.mjs: a loopback stand-in for the Microsoft identity platform,
// the managed identity endpoints (the Instance Metadata Service of a VM,
// and the IDENTITY_ENDPOINT of App Service and Container Apps) and Azure
// Resource Manager's Microsoft.Network list-all calls, for
// t/cloud/gcp_azure.t.
//
// The token endpoint checks tenant, client id, client secret, grant type
// and scope; a wrong secret gets 401 {"error":"invalid_client"}.  IMDS
// wants "Metadata: true".  The identity endpoint (GET /msi/token) wants
// api-version=2019-08-01 and X-IDENTITY-HEADER; a wrong header gets 401
// in App Service's shape {"statusCode", "message"}, and its tokens carry
// expires_on (seconds since the epoch) instead of expires_in, as App
// Service's do.  Each wants ARM's public resource
// (https://management.azure.com/, or its /.default scope) and records the
// one it was asked for.  Every ARM call must carry a token this fake
// issued, not expired, and api-version=2024-05-01.  Answers are the recorded examples in
// testdata/azure, grouped by the subscription in each resource's id and
// served one resource a page, with an empty page (value [] and a
// nextLink, as ARM sometimes sends) after the first.
//
// Subscriptions with a behaviour of their own:
//   forbidden-sub    403 AuthorizationFailed
//   off-host-link    one page whose nextLink names another host
//                    (localhost instead of 127.0.0.1): a client that
//                    follows it sends its token off host, which is logged
//   anything unknown 404 SubscriptionNotFound (a known one with nothing
//                    of a type gets an empty list)
//
// Environment:
//   FAKE_TESTDATA                     testdata root
//   FAKE_AZURE_TENANT_ID, FAKE_AZURE_CLIENT_ID, FAKE_AZURE_CLIENT_SECRET
//   FAKE_AZURE_IDENTITY_HEADER        what X-IDENTITY-HEADER must be
//   FAKE_TOKEN_EXPIRES_IN             seconds a token lives (default 3599)
//   FAKE_FAULTS                       as fake-gcp.mjs, over ARM calls
// Prints "listening PORT" when ready; GET /_fake/stats reports, with the
// token requests of each endpoint (tokenCalls, refused ones too) and the
// resources or scopes asked for.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

const testdata = process.env.FAKE_TESTDATA || '../shared/testdata';
const tenant = process.env.FAKE_AZURE_TENANT_ID || '';
const clientId = process.env.FAKE_AZURE_CLIENT_ID || '';
const clientSecret = process.env.FAKE_AZURE_CLIENT_SECRET || '';
const identityHeader = process.env.FAKE_AZURE_IDENTITY_HEADER || '';
const expiresIn = Number(process.env.FAKE_TOKEN_EXPIRES_IN || 3599);
const API_VERSION = '2024-05-01';
const SCOPE = 'https://management.azure.com/.default';
const RESOURCE = 'https://management.azure.com/';

// Resource type -> [file under testdata/azure, path to the resource(s)].
const sources = {
  virtualNetworks: [
    ['examples-2025-03-01/VirtualNetworkListAll.json', 'responses.200.body.value'],
    ['examples-2025-03-01/VirtualNetworkCreateSubnetWithAddressPrefixes.json', 'responses.200.body'],
    ['examples-2025-03-01/VirtualNetworkList.json', 'responses.200.body.value'],
    ['examples-2025-03-01/VirtualNetworkGetWithSubnetDelegation.json', 'responses.200.body'],
    ['libcloud/_subscriptions_99999999_providers_Microsoft_Network_virtualnetworks.json', 'value'],
  ],
  networkInterfaces: [
    ['examples-2025-03-01/NetworkInterfaceList.json', 'responses.200.body.value'],
    ['libcloud/_subscriptions_99999999_providers_Microsoft_Network_networkInterfaces.json', 'value'],
  ],
  publicIPAddresses: [
    ['examples-2025-03-01/PublicIpAddressListAll.json', 'responses.200.body.value'],
    ['libcloud/_subscriptions_99999999_resourceGroups_REVIZOR_providers_Microsoft_Network_publicIPAddresses_test_public_ip.json', ''],
  ],
};

// type -> subscription (lower case) -> [resources], in source order.
const data = {};
for (const [type, list] of Object.entries(sources)) {
  data[type] = {};
  for (const [file, path] of list) {
    let v = JSON.parse(readFileSync(`${testdata}/azure/${file}`, 'utf8'));
    for (const k of path.split('.').filter(Boolean)) v = v[k];
    for (const r of Array.isArray(v) ? v : [v]) {
      const sub = r.id.match(/^\/subscriptions\/([^/]+)\//i)[1].toLowerCase();
      (data[type][sub] ||= []).push(r);
    }
  }
}

const faults = new Map();
for (const f of (process.env.FAKE_FAULTS || '').split(',').filter(Boolean)) {
  const [kind, n] = f.split('@');
  faults.set(Number(n), kind);
}

const tokens = new Map(); // token -> when it expires (ms)
const calls = [];
const refusals = [];
const resources = [];
const tokenCalls = { platform: 0, imds: 0, identity: 0 };
let dataCalls = 0;

function tokenValid(token) {
  return tokens.has(token) && tokens.get(token) > Date.now();
}

function send(res, status, body, headers = {}) {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': text.length, ...headers });
  res.end(text);
}

function armError(res, status, code, message) {
  send(res, status, { error: { code, message } });
}

// shape: 'platform' (expires_in a number), 'imds' (text), 'identity'
// (expires_on only, text).
function issue(res, shape) {
  // Shaped like a JWT, as Entra ID tokens are; nothing checks inside.
  const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
  const expiresAt = Date.now() + expiresIn * 1000;
  tokens.set(token, expiresAt);
  const body = { token_type: 'Bearer', access_token: token, resource: RESOURCE };
  if (shape === 'identity') body.expires_on = String(Math.floor(expiresAt / 1000));
  else body.expires_in = shape === 'imds' ? String(expiresIn) : expiresIn;
  send(res, 200, body);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function tokenEndpoint(req, res, pathTenant) {
  tokenCalls.platform++;
  const form = new URLSearchParams(await readBody(req));
  resources.push(form.get('scope'));
  const why =
    pathTenant !== tenant ? ['invalid_request', `AADSTS90002: Tenant '${pathTenant}' not found.`]
    : form.get('grant_type') !== 'client_credentials' ? ['unsupported_grant_type', 'AADSTS70003: grant_type']
    : form.get('scope') !== SCOPE ? ['invalid_scope', `AADSTS70011: scope ${form.get('scope')}`]
    : form.get('client_id') !== clientId ? ['unauthorized_client', `AADSTS700016: Application '${form.get('client_id')}' not found.`]
    : form.get('client_secret') !== clientSecret ? ['invalid_client', 'AADSTS7000215: Invalid client secret provided.']
    : null;
  if (why) {
    refusals.push(why[0]);
    return send(res, why[0] === 'invalid_client' ? 401 : 400, { error: why[0], error_description: why[1] });
  }
  issue(res, 'platform');
}

function imdsEndpoint(req, res, url) {
  tokenCalls.imds++;
  const resource = url.searchParams.get('resource');
  resources.push(resource);
  if (req.headers.metadata !== 'true' || url.searchParams.get('api-version') !== '2018-02-01') {
    refusals.push('imds');
    return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  }
  if (resource !== RESOURCE) {
    refusals.push('imds resource');
    return send(res, 400, { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found` });
  }
  issue(res, 'imds');
}

// App Service and Container Apps: {"statusCode", "message"} on failure.
function identityEndpoint(req, res, url) {
  tokenCalls.identity++;
  const resource = url.searchParams.get('resource');
  resources.push(resource);
  if (identityHeader === '' || req.headers['x-identity-header'] !== identityHeader) {
    refusals.push('identity header');
    return send(res, 401, { statusCode: 401, message: 'The X-IDENTITY-HEADER header is missing or not valid.' });
  }
  if (url.searchParams.get('api-version') !== '2019-08-01' || resource !== RESOURCE) {
    refusals.push('identity request');
    return send(res, 400, { statusCode: 400, message: `api-version ${url.searchParams.get('api-version')} or resource ${resource} not supported` });
  }
  issue(res, 'identity');
}

// A page: the resource at index, or an empty page at index -1.
function page(base, sub, type, items, index) {
  const link = (i, host = '127.0.0.1') =>
    `${base.replace('127.0.0.1', host)}/subscriptions/${sub}/providers/Microsoft.Network/${type}?api-version=${API_VERSION}&%24skiptoken=${encodeURIComponent(`${i}+${randomBytes(3).toString('hex')}`)}`;
  if (sub === 'off-host-link') return { value: [], nextLink: link(1, 'localhost') };
  if (index === -1) return { value: [], nextLink: link(1) };
  const out = { value: items.slice(index, index + 1) };
  if (index + 1 < items.length) out.nextLink = index === 0 ? link(-1) : link(index + 1);
  return out;
}

function armEndpoint(req, res, url, base) {
  const m = url.pathname.match(/^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Network\/([A-Za-z]+)$/);
  const n = ++dataCalls;
  const call = { n, method: req.method, host: req.headers.host, path: url.pathname, query: url.search, status: 0, fault: '' };
  calls.push(call);
  const auth = req.headers.authorization || '';
  if (!auth.startsWith('Bearer ') || !tokenValid(auth.slice(7))) {
    call.status = 401;
    return armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
  }
  if (!req.headers.host.startsWith('127.0.0.1:')) call.offHost = true;
  if (!m || !sources[m[2]]) {
    call.status = 404;
    return armError(res, 404, 'InvalidResourceType', `no such list ${url.pathname}`);
  }
  if (url.searchParams.get('api-version') !== API_VERSION) {
    call.status = 400;
    return armError(res, 400, 'InvalidApiVersionParameter', `api-version ${url.searchParams.get('api-version')}`);
  }
  const sub = decodeURIComponent(m[1]).toLowerCase();
  const type = m[2];
  Object.assign(call, { subscription: sub, resource: type });
  if (sub === 'forbidden-sub') {
    call.status = 403;
    return armError(res, 403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/${type}/read' over scope '/subscriptions/${sub}'.`);
  }
  const known = sub === 'off-host-link' || Object.values(data).some((bySub) => bySub[sub]);
  const items = data[type][sub] || [];
  if (!known) {
    call.status = 404;
    return armError(res, 404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
  }
  const skip = url.searchParams.get('$skiptoken');
  const index = skip === null ? 0 : Number((skip.match(/^(-?\d+)\+[0-9a-f]{6}$/) || [])[1] ?? NaN);
  call.offset = index;
  if (Number.isNaN(index)) {
    call.status = 400;
    return armError(res, 400, 'InvalidSkipToken', 'The skip token is not valid.');
  }
  const fault = faults.get(n);
  call.fault = fault || '';
  if (fault === '429') {
    call.status = 429;
    return send(res, 429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'Retry-After': '1' });
  }
  if (fault === '500') {
    call.status = 500;
    return armError(res, 500, 'InternalServerError', 'Encountered internal server error.');
  }
  const body = page(base, m[1], type, items, index);
  call.status = 200;
  call.count = body.value.length;
  call.last = body.nextLink === undefined;
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
  const token = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
  try {
    if (req.method === 'POST' && token) return await tokenEndpoint(req, res, decodeURIComponent(token[1]));
    if (req.method === 'GET' && url.pathname === '/metadata/identity/oauth2/token') return imdsEndpoint(req, res, url);
    if (req.method === 'GET' && url.pathname === '/msi/token') return identityEndpoint(req, res, url);
    if (req.method === 'GET' && url.pathname === '/_fake/stats') return send(res, 200, { calls, tokens: [...tokens.keys()], refusals, tokenCalls, resources });
    if (req.method === 'GET' && url.pathname.startsWith('/subscriptions/')) return armEndpoint(req, res, url, base);
    armError(res, 404, 'NotFound', `no route ${req.method} ${url.pathname}`);
  } catch (e) {
    armError(res, 500, 'InternalServerError', String(e));
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
