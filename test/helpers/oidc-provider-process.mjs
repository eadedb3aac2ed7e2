// A real OpenID Connect provider (npm oidc-provider) for the tests, run as a child process by
// test/helpers/oidc-provider.ts. Its configuration is one JSON argument:
//   { clientId, clientSecret, redirectUris, accounts: { [accountId]: claims } }
// It listens on 127.0.0.1 on a free port and prints a JSON line {"issuer": "..."} when ready,
// and exits on SIGTERM or when its stdin closes.
// The built-in development interactions (a login form that accepts any password, a consent
// form) stand in for a person at a browser.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: options.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Every authorization request must carry a PKCE challenge (S256 is the only method offered).
  pkce: { required: () => true },
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
  // The project's claims come with the openid scope (as a provider's mapper would add them)
  // and so ride in the ID token; the standard ones come with profile and email, which the
  // provider's default (conformIdTokenClaims) answers from UserInfo only, as many real
  // providers do: a sign-in needs both.
  claims: {
    openid: ['sub', 'ews_role', 'ews_jurisdiction', 'groups'],
    profile: ['preferred_username', 'name', 'locale'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, id) {
    const claims = options.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});
// The development interactions warn on start; the test reads only the first stdout line.
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err.stack}\n`));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => process.exit(0));
// The parent holds stdin open; when it goes (a test process killed), so does the provider.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
