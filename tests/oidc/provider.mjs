// An independent OpenID provider for the login tests: the `oidc-provider` package with
// its development login and consent pages, on a free loopback port. Whatever a person
// types as login name becomes their `pid` claim, as ID-porten sends it.
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET. Prints `issuer <url>` once it listens.
// With OIDC_EXIT_WITH_STDIN=1 it stops when its standard input closes, that is when the
// test run that started it ends.
import { createServer } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const clientId = process.env.OIDC_CLIENT_ID ?? 'systemtilgang';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'test-secret';

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'test-key',
  use: 'sig',
  alg: 'RS256',
};

let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const server = createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      // A native client may come back to any port on loopback (RFC 8252 §7.3), so one
      // provider serves every portal the tests start.
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/login/oidc/callback'],
      post_logout_redirect_uris: ['http://127.0.0.1/login'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['pid'] },
    // Like ID-porten: the person's claims are in the ID token itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, id) {
      const pseudonym = createHash('sha256').update(id).digest('hex').slice(0, 24);
      return { accountId: id, claims: async () => ({ sub: pseudonym, pid: id }) };
    },
  });
  provider.on('server_error', (_ctx, err) => console.log(`server error: ${err.stack}`));
  handler = provider.callback();
  console.log(`issuer ${issuer}`);
});
if (process.env.OIDC_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
