// fake-aws.mjs PORT: a fake EC2, STS, Organizations, IMDSv2 and container
// credentials endpoint (ECS task role, EKS Pod Identity) on 127.0.0.1:PORT
// for t/cloud/aws.t.  Prints "listening PORT" when ready.
//
// Every signed request is checked with the npm package aws4 (not our C
// signer): the request is rebuilt from the headers its SignedHeaders names,
// signed again with the secret the fake knows for its access key, and the
// Authorization headers compared.  A wrong secret or any changed byte gets
// 403 SignatureDoesNotMatch in the service's own error format; an unknown
// key AuthFailure / InvalidClientTokenId.
//
// EC2 answers are the recorded ones in ../shared/testdata/ec2 (libcloud and
// botocore fixtures), one fixture per page: page 1 is rewritten to carry
// <nextToken>, and the token is checked when it comes back.
// DescribeAddresses does not paginate (as in EC2): its answer is the
// libcloud items followed by the botocore ones.
//
// Knobs, from the environment at start or POST /__control (JSON):
//   FAKE_AWS_KEYS     "AKID:secret:account,..." long-term keys
//   FAKE_AWS_FAULTS   "429@N,throttle400@N,500@N,truncate@N,hang@N": what
//                     call N (counting every EC2/STS/Organizations/IMDS
//                     request from 1) answers instead
//   fail_region       every EC2 call in it answers 400 OptInRequired
//   bad_secret_account  AssumeRole into it hands out a wrong secret
//   role_name, web_token, org_accounts ("id:STATUS,..."), reset
//   container_token   the Authorization value GET /v2/credentials/... and
//                     /v1/credentials/... want ("": none needed)
//   container_secret  the secret the container endpoint hands out
//                     (default: a random one)
// GET /__stats gives every call seen: {calls: [{n, service, action,
// region, account, token, page, status, fault, refused, authorized}]}.
// Secrets are never printed.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import aws4 from 'aws4';

const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = process.env.FAKE_AWS_TESTDATA ||
  path.resolve(here, '../../../shared/testdata/ec2');
const port = Number(process.argv[2] || 0);

const state = {
  keys: new Map(), // akid -> {secret, token, account}
  faults: new Map(), // call number -> kind
  failRegion: '',
  badSecretAccount: '',
  roleName: 'CloudPAMRead',
  webToken: '',
  containerToken: '',
  containerSecret: '',
  orgAccounts: [],
  imdsTokens: new Set(),
  calls: [],
  n: 0,
};

function setKeys(text) {
  for (const item of (text || '').split(',').filter(Boolean)) {
    const [akid, secret, account] = item.split(':');
    state.keys.set(akid, { secret, token: '', account });
  }
}

function setFaults(text) {
  state.faults = new Map();
  for (const item of (text || '').split(',').filter(Boolean)) {
    const [kind, n] = item.split('@');
    state.faults.set(Number(n), kind);
  }
}

setKeys(process.env.FAKE_AWS_KEYS);
setFaults(process.env.FAKE_AWS_FAULTS);

// --- recorded answers ----------------------------------------------------

const read = (f) => fs.readFileSync(path.join(testdata, f), 'utf8');
const pagesOf = {
  DescribeVpcs: ['libcloud/describe_vpcs.xml',
    'botocore-response-parsing/ec2-describe-vpcs.xml'],
  DescribeSubnets: ['libcloud/describe_subnets.xml',
    'botocore-response-parsing/ec2-describe-subnets.xml'],
  DescribeNetworkInterfaces: ['libcloud/describe_network_interfaces.xml',
    'botocore-response-parsing/ec2-describe-network-interfaces.xml'],
};
const pages = {};
for (const [action, files] of Object.entries(pagesOf))
  pages[action] = files.map(read);

function addressesAnswer() {
  const all = read('libcloud/describe_addresses_all.xml');
  const more = read('botocore-response-parsing/ec2-describe-addresses.xml');
  const items = more.slice(more.indexOf('<addressesSet>') + 14,
    more.indexOf('</addressesSet>'));
  const at = all.indexOf('</addressesSet>');
  return all.slice(0, at) + items + all.slice(at);
}
const single = {
  DescribeAddresses: addressesAnswer(),
  DescribeRegions: read('botocore-response-parsing/ec2-describe-regions.xml'),
};

// Opaque-looking tokens that need percent-encoding on the way back.
const tokenFor = (action, region, page) =>
  `${region}/${action}/p${page}+tok==`;

function withNextToken(xml, action, token) {
  const end = `</${action}Response>`;
  const at = xml.lastIndexOf(end);
  return xml.slice(0, at) + `    <nextToken>${token}</nextToken>\n` +
    xml.slice(at);
}

// --- errors in each protocol ----------------------------------------------

const requestId = () => crypto.randomUUID();
const ec2Error = (code, message) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>' +
  `<Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
  `<RequestID>${requestId()}</RequestID></Response>`;
const stsError = (code, message) =>
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
  `<Error><Type>Sender</Type><Code>${code}</Code><Message>${message}` +
  `</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
const orgError = (code, message) =>
  JSON.stringify({ __type: code, message });

const errorOf = {
  ec2: (code, message) => ['text/xml;charset=UTF-8', ec2Error(code, message)],
  sts: (code, message) => ['text/xml', stsError(code, message)],
  organizations: (code, message) =>
    ['application/x-amz-json-1.1', orgError(code, message)],
};
const unknownKeyCode = {
  ec2: 'AuthFailure',
  sts: 'InvalidClientTokenId',
  organizations: 'UnrecognizedClientException',
};

// --- signature ------------------------------------------------------------

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

// {ok: true, user, region, service} or {code, message, service}.
function verify(req, body) {
  const auth = req.headers.authorization;
  const m = auth && AUTH.exec(auth);
  if (!m)
    return { code: 'IncompleteSignature', message: 'no SigV4 Authorization' };
  const [, akid, date, region, service, signedList] = m;
  const signed = signedList.split(';');
  const user = state.keys.get(akid);
  const refuse = (code, message) => ({ code, message, service });
  if (!user)
    return refuse(unknownKeyCode[service] || 'AuthFailure',
      'AWS was not able to validate the provided access credentials');
  for (const h of ['host', 'x-amz-date'])
    if (!signed.includes(h)) return refuse('SignatureDoesNotMatch',
      `${h} is not signed`);
  if (user.token && (req.headers['x-amz-security-token'] !== user.token ||
    !signed.includes('x-amz-security-token')))
    return refuse(unknownKeyCode[service],
      'The security token included in the request is invalid');
  const amzDate = req.headers['x-amz-date'] || '';
  const when = Date.parse(amzDate.replace(
    /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(date) || !(Math.abs(Date.now() - when) < 300e3))
    return refuse('RequestExpired', 'Request has expired');
  const headers = {};
  for (const h of signed) {
    if (req.headers[h] === undefined)
      return refuse('SignatureDoesNotMatch', `signed header ${h} not sent`);
    headers[h] = req.headers[h];
  }
  const ignore = {};
  for (const h of ['content-type', 'content-length', 'x-amz-security-token'])
    if (!signed.includes(h)) ignore[h] = true;
  const again = {
    method: req.method, host: req.headers.host, path: req.url, headers, body,
    service, region, extraHeadersToIgnore: ignore,
  };
  aws4.sign(again, {
    accessKeyId: akid, secretAccessKey: user.secret,
    sessionToken: user.token || undefined,
  });
  if (again.headers.Authorization !== auth)
    return refuse('SignatureDoesNotMatch', 'The request signature we ' +
      'calculated does not match the signature you provided. Check your ' +
      'AWS Secret Access Key and signing method.');
  return { ok: true, user, region, service, akid };
}

// --- services -------------------------------------------------------------

const EC2_ACTIONS = new Set(['DescribeVpcs', 'DescribeSubnets',
  'DescribeNetworkInterfaces', 'DescribeAddresses', 'DescribeRegions']);

function ec2(params, who, entry) {
  const action = params.get('Action');
  entry.action = action;
  const bad = (code, message) => [400, ...errorOf.ec2(code, message)];
  if (!EC2_ACTIONS.has(action)) return bad('InvalidAction', `${action}`);
  if (params.get('Version') !== '2016-11-15')
    return bad('InvalidParameterValue', 'Version');
  const allowed = new Set(['Action', 'Version']);
  if (pages[action]) ['MaxResults', 'NextToken'].forEach((k) => allowed.add(k));
  for (const k of params.keys())
    if (!allowed.has(k))
      return bad('UnknownParameter', `The parameter ${k} is not recognized`);
  if (params.has('MaxResults')) {
    const n = Number(params.get('MaxResults'));
    if (!Number.isInteger(n) || n < 5 || n > 1000)
      return bad('InvalidParameterValue', 'MaxResults');
  }
  if (who.region === state.failRegion)
    return bad('OptInRequired', `You are not subscribed to ${who.region}`);
  if (single[action]) return [200, 'text/xml;charset=UTF-8', single[action]];
  const list = pages[action];
  let page = 1;
  if (params.has('NextToken')) {
    const token = params.get('NextToken');
    entry.token = token;
    page = list.findIndex((_, i) => i > 0 &&
      tokenFor(action, who.region, i + 1) === token) + 1;
    if (page < 2) return bad('InvalidPaginationToken', 'bad NextToken');
  }
  entry.page = page;
  let xml = list[page - 1];
  if (page < list.length)
    xml = withNextToken(xml, action, tokenFor(action, who.region, page + 1));
  return [200, 'text/xml;charset=UTF-8', xml];
}

function issue(account, wrongSecret) {
  const akid = 'ASIA' + crypto.randomBytes(8).toString('hex').toUpperCase();
  const secret = crypto.randomBytes(30).toString('base64');
  const token = 'FwoG' + crypto.randomBytes(300).toString('base64');
  state.keys.set(akid, { secret, token, account });
  const expiration = new Date(Date.now() + 3600e3).toISOString();
  return { akid, secret: wrongSecret ? secret.slice(0, -4) + 'AAAA' : secret,
    token, expiration };
}

function credentialsXml(action, c, extra) {
  return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
    `<${action}Result>${extra}<Credentials>` +
    `<AccessKeyId>${c.akid}</AccessKeyId>` +
    `<SecretAccessKey>${c.secret}</SecretAccessKey>` +
    `<SessionToken>${c.token}</SessionToken>` +
    `<Expiration>${c.expiration}</Expiration></Credentials>` +
    `</${action}Result><ResponseMetadata><RequestId>${requestId()}` +
    `</RequestId></ResponseMetadata></${action}Response>`;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(.+)$/;

function sts(params, who, entry) {
  const action = params.get('Action');
  entry.action = action;
  const bad = (status, code, message) => [status, ...errorOf.sts(code, message)];
  if (params.get('Version') !== '2011-06-15')
    return bad(400, 'InvalidParameterValue', 'Version');
  if (action === 'GetCallerIdentity' && who)
    return [200, 'text/xml', '<GetCallerIdentityResponse xmlns=' +
      '"https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
      `<Arn>arn:aws:iam::${who.user.account}:user/cloudpam</Arn>` +
      `<UserId>AIDAFAKE</UserId><Account>${who.user.account}</Account>` +
      '</GetCallerIdentityResult><ResponseMetadata><RequestId>' +
      `${requestId()}</RequestId></ResponseMetadata>` +
      '</GetCallerIdentityResponse>'];
  const arn = ROLE_ARN.exec(params.get('RoleArn') || '');
  if (!arn || !params.get('RoleSessionName'))
    return bad(400, 'ValidationError', 'RoleArn or RoleSessionName');
  entry.account = arn[1];
  if (action === 'AssumeRole' && who) {
    if (arn[2] !== state.roleName)
      return bad(403, 'AccessDenied', `not authorized to assume ${arn[2]}`);
    const c = issue(arn[1], arn[1] === state.badSecretAccount);
    return [200, 'text/xml', credentialsXml('AssumeRole', c,
      `<AssumedRoleUser><Arn>${params.get('RoleArn')}</Arn></AssumedRoleUser>`)];
  }
  if (action === 'AssumeRoleWithWebIdentity') {
    if (!state.webToken || params.get('WebIdentityToken') !== state.webToken)
      return bad(400, 'InvalidIdentityToken', 'token refused');
    return [200, 'text/xml',
      credentialsXml('AssumeRoleWithWebIdentity', issue(arn[1], false), '')];
  }
  return bad(400, 'InvalidAction', `${action}`);
}

function organizations(req, body, who, entry) {
  entry.action = (req.headers['x-amz-target'] || '').split('.').pop();
  const bad = (code, message) => [400, ...errorOf.organizations(code, message)];
  if (req.headers['x-amz-target'] !== 'AWSOrganizationsV20161128.ListAccounts')
    return bad('InvalidAction', 'unknown target');
  if (req.headers['content-type'] !== 'application/x-amz-json-1.1')
    return bad('SerializationException', 'content type');
  let ask;
  try { ask = JSON.parse(body.toString() || '{}'); } catch {
    return bad('SerializationException', 'not JSON');
  }
  const per = 2;
  let start = 0;
  if (ask.NextToken !== undefined) {
    entry.token = ask.NextToken;
    const m = /^org-page-(\d+)$/.exec(ask.NextToken);
    if (!m) return bad('InvalidInputException', 'NextToken');
    start = Number(m[1]) * per;
  }
  entry.page = start / per + 1;
  const Accounts = state.orgAccounts.slice(start, start + per).map(([Id, Status]) =>
    ({ Id, Arn: `arn:aws:organizations::${who.user.account}:account/o-fake/${Id}`,
      Email: `${Id}@example.com`, Name: `account ${Id}`, Status,
      JoinedMethod: 'CREATED', JoinedTimestamp: 1.7e9 }));
  const answer = { Accounts };
  if (start + per < state.orgAccounts.length)
    answer.NextToken = `org-page-${start / per + 1}`;
  return [200, 'application/x-amz-json-1.1', JSON.stringify(answer)];
}

const IMDS_ROLE = 'cloudpam-instance-role';

function imds(req, entry) {
  entry.service = 'imds';
  entry.action = `${req.method} ${req.url}`;
  const text = (status, body) => [status, 'text/plain', body];
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!(ttl >= 1 && ttl <= 21600)) return text(400, 'bad ttl');
    const token = crypto.randomBytes(24).toString('base64');
    state.imdsTokens.add(token);
    return text(200, token);
  }
  if (req.method !== 'GET') return text(405, '');
  if (!state.imdsTokens.has(req.headers['x-aws-ec2-metadata-token']))
    return text(401, ''); // IMDSv1 refused
  const base = '/latest/meta-data/iam/security-credentials/';
  if (req.url === base) return text(200, IMDS_ROLE);
  if (req.url === base + IMDS_ROLE) {
    const account = [...state.keys.values()][0]?.account || '999999999999';
    const c = issue(account, false);
    return [200, 'text/plain', JSON.stringify({ Code: 'Success',
      LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC',
      AccessKeyId: c.akid, SecretAccessKey: c.secret, Token: c.token,
      Expiration: c.expiration })];
  }
  return text(404, '');
}

// The container credentials endpoint: GET with the token as the whole
// Authorization value, answered as the ECS agent and EKS Pod Identity
// agent answer.  A wrong or missing token: 401, as the EKS agent does.
function container(req, entry) {
  entry.service = 'container';
  entry.action = `${req.method} ${req.url}`;
  const given = req.headers.authorization;
  entry.authorized = given !== undefined && given === state.containerToken;
  if (req.method !== 'GET') return [405, 'text/plain', ''];
  if (state.containerToken && !entry.authorized) {
    entry.refused = given === undefined ? 'no token' : 'wrong token';
    return [401, 'application/json', JSON.stringify({
      code: 'AccessDeniedException',
      message: 'invalid authorization token' })];
  }
  const account = [...state.keys.values()][0]?.account || '999999999999';
  const c = issue(account, false);
  if (state.containerSecret) {
    c.secret = state.containerSecret;
    state.keys.get(c.akid).secret = c.secret;
  }
  return [200, 'application/json', JSON.stringify({
    AccessKeyId: c.akid, SecretAccessKey: c.secret, Token: c.token,
    Expiration: c.expiration,
    RoleArn: `arn:aws:iam::${account}:role/cloudpam-task` })];
}

// --- control --------------------------------------------------------------

function control(req, body, res) {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ calls: state.calls }));
  }
  let c;
  try { c = JSON.parse(body.toString()); } catch {
    res.writeHead(400);
    return res.end();
  }
  if (c.reset) {
    state.calls = [];
    state.n = 0;
  }
  if (c.faults !== undefined) setFaults(c.faults);
  if (c.keys !== undefined) setKeys(c.keys);
  if (c.fail_region !== undefined) state.failRegion = c.fail_region;
  if (c.bad_secret_account !== undefined)
    state.badSecretAccount = c.bad_secret_account;
  if (c.role_name !== undefined) state.roleName = c.role_name;
  if (c.web_token !== undefined) state.webToken = c.web_token;
  if (c.container_token !== undefined)
    state.containerToken = c.container_token;
  if (c.container_secret !== undefined)
    state.containerSecret = c.container_secret;
  if (c.org_accounts !== undefined)
    state.orgAccounts = c.org_accounts.split(',').filter(Boolean)
      .map((s) => s.split(':'));
  res.writeHead(204);
  res.end();
}

// --- the server -----------------------------------------------------------

function answer(req, body, entry) {
  if (req.url.startsWith('/latest/')) return imds(req, entry);
  if (/^\/v[12]\/credentials(\/|$)/.test(req.url))
    return container(req, entry);
  const params = new URLSearchParams(body.toString());
  // The one unsigned call: web identity, which has no keys yet.
  if (!req.headers.authorization &&
    params.get('Action') === 'AssumeRoleWithWebIdentity') {
    entry.service = 'sts';
    return sts(params, null, entry);
  }
  const who = verify(req, body);
  entry.service = who.service || '';
  if (who.region) entry.region = who.region;
  if (!who.ok) {
    entry.refused = who.code;
    entry.action = params.get('Action') ||
      (req.headers['x-amz-target'] || '').split('.').pop();
    return [403, ...(errorOf[who.service] || errorOf.ec2)(who.code, who.message)];
  }
  entry.account = who.user.account;
  if (req.method !== 'POST' || req.url !== '/')
    return [400, ...errorOf[who.service]('InvalidRequest', 'POST / only')];
  if (who.service === 'ec2') return ec2(params, who, entry);
  if (who.service === 'sts') return sts(params, who, entry);
  if (who.service === 'organizations')
    return organizations(req, body, who, entry);
  return [400, ...errorOf.ec2('InvalidAction', 'unknown service')];
}

function fault(kind, res, entry) {
  const headers = { 'Retry-After': '1' };
  if (kind === '429') {
    res.writeHead(429, { ...headers, 'Content-Type': 'text/xml' });
    return res.end(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
  }
  if (kind === 'throttle400') {
    res.writeHead(400, { ...headers, 'Content-Type': 'text/xml' });
    return res.end(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
  }
  if (kind === '500') {
    res.writeHead(500, { 'Content-Type': 'text/xml' });
    return res.end(ec2Error('InternalError', 'An internal error has occurred'));
  }
  if (kind === 'hang') return setTimeout(() => res.socket?.destroy(), 10e3);
  entry.fault = 'unknown';
  res.writeHead(500);
  res.end();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/__')) return control(req, body, res);
    const entry = { n: ++state.n, t: Date.now(), method: req.method };
    state.calls.push(entry);
    const scope = AUTH.exec(req.headers.authorization || '');
    if (scope) [entry.akid, entry.region] = [scope[1], scope[3]];
    const kind = state.faults.get(entry.n);
    if (kind && kind !== 'truncate') {
      const params = new URLSearchParams(body.toString());
      entry.fault = kind;
      entry.service = scope ? scope[4] : '';
      entry.action = params.get('Action') || '';
      if (params.has('NextToken')) entry.token = params.get('NextToken');
      entry.status = kind;
      return fault(kind, res, entry);
    }
    const [status, type, text] = answer(req, body, entry);
    const out = Buffer.from(text);
    entry.status = status;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': out.length,
      'x-amzn-RequestId': requestId() });
    if (kind !== 'truncate') return res.end(out);
    // Half the answer, then the connection goes: Content-Length unmet.
    entry.fault = 'truncate';
    res.write(out.subarray(0, Math.floor(out.length / 2)), () =>
      setTimeout(() => res.socket?.destroy(), 20));
  });
});

server.keepAliveTimeout = 30e3;
server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
