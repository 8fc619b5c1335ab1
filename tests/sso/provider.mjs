// A real OpenID provider (panva's oidc-provider) for the sign-in tests: started by
// tests/sso/conftest.py on a free port of the loopback, and stopped by it.
//
// The test decides who exists and what the provider says of them: ACCOUNTS_FILE holds a
// JSON object of accountId -> claims (email, email_verified, tid, names), read afresh at
// each sign-in so one provider serves every test. The login and consent pages are the
// library's own development interactions, which the test drives over HTTP.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ACCOUNTS_FILE } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // mozilla-django-oidc sends the secret in the form body.
    token_endpoint_auth_method: 'client_secret_post',
  }],
  // Entra puts its claims in the ID token; so does this provider, rather than only
  // answering them from the userinfo endpoint.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'tid'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  pkce: { required: () => true },
  cookies: { keys: ['insource-tests-only'] },
  async findAccount(ctx, id) {
    const accounts = JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8'));
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});

provider.listen(Number(PORT), '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
