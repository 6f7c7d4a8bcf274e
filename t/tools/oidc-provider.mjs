// oidc-provider.mjs PORT REDIRECT_URI [GROUPS_JSON]: a real OpenID provider
// for the SSO tests (the npm package oidc-provider), on 127.0.0.1:PORT.
//
// One confidential client, cloudpam / a-long-test-secret, allowed to come
// back to REDIRECT_URI (authorization code flow, PKCE S256, client secret
// sent with HTTP Basic).  devInteractions gives a login form (any password;
// the login becomes `sub`) and a consent page.
//
// Test users and their groups: alice ["netadmins"], bob ["neteng"],
// carol ["viewers"], dave [].  Any other login is a user in no group.
// When GROUPS_JSON is given, it is read at each login: a JSON object
// {"alice": ["viewers"], ...} that overrides the table, so a test can
// change someone's groups between two logins without a restart.
//
// Prints "ready" on stdout once it listens; stops on SIGTERM or SIGINT.
import Provider from 'oidc-provider';
import { readFileSync } from 'node:fs';

const [portArg, redirectUri, groupsFile] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || !redirectUri) {
  console.error('usage: oidc-provider.mjs PORT REDIRECT_URI [GROUPS_JSON]');
  process.exit(2);
}

const CLIENT_ID = 'cloudpam';
const CLIENT_SECRET = 'a-long-test-secret';

const users = {
  alice: { name: 'Alice Liddell', groups: ['netadmins'] },
  bob: { name: 'Bob Builder', groups: ['neteng'] },
  carol: { name: 'Carol Danvers', groups: ['viewers'] },
  dave: { name: 'Dave Null', groups: [] },
};

function groupsOf(id) {
  if (groupsFile) {
    try {
      const table = JSON.parse(readFileSync(groupsFile, 'utf8'));
      if (Array.isArray(table[id])) return table[id].map(String);
    } catch (e) {
      if (e.code !== 'ENOENT') console.error(`groups file: ${e.message}`);
    }
  }
  return users[id] ? [...users[id].groups] : [];
}

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Claims in the ID token as well as from userinfo: what mod_auth_openidc
  // passes on does not then depend on its userinfo settings.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.test`,
          email_verified: true,
          name: users[id] ? users[id].name : id,
          groups: groupsOf(id),
        };
      },
    };
  },
  cookies: { keys: ['oidc-provider-test-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
});
// Plain http on loopback: no proxy headers to trust.
provider.proxy = false;
provider.on('server_error', (ctx, err) => console.error(`server_error: ${err.stack}`));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log('ready');
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
