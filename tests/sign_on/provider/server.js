// A real OpenID provider (the certified `oidc-provider` package) for Jobbank's sign-on tests.
//
//   node server.js CONFIG.json
//
// CONFIG.json (written by tests/sign_on/provider.py):
//   port, issuer ("http://127.0.0.1:PORT"), keys_file (a JWKS with private RSA keys, each with a
//   `kid`), clients [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//   accounts [{sub, email, employee_number, name, groups}], id_token_ttl_seconds (optional).
//
// It behaves as a municipality's provider does for an app its administrators registered: the
// authorization code flow with PKCE (S256) required, claims in the ID token signed RS256, no
// consent screen (admin consent), RP-initiated log-out. The log-in form accepts any password;
// `login` is the account's `sub`. Plain http on loopback. Logs only errors, to stderr. Exits
// when stdin closes or on SIGTERM.

import fs from 'node:fs';
import Provider from 'oidc-provider';

// Scopes and the claims each releases. A client asks for `openid email profile groups`.
const CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'employee_number'],
  groups: ['groups'],
};
const SCOPES = Object.keys(CLAIMS);

function readJson(path) {
  return JSON.parse(fs.readFileSync(path, 'utf8'));
}

function accountFinder(accounts) {
  const bySub = new Map(accounts.map((account) => [account.sub, account]));
  // Any login signs in; one not configured carries only its `sub` (an unknown person).
  return async (ctx, sub) => ({
    accountId: sub,
    async claims() {
      const account = bySub.get(sub) ?? { sub };
      const claims = { ...account, sub };
      if (account.email !== undefined) claims.email_verified = true;
      return claims;
    },
  });
}

// Admin consent: the registered client gets every scope without asking the person.
async function grantEverything(ctx) {
  const { provider, client, session, result } = ctx.oidc;
  const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
  const grant = (grantId && (await provider.Grant.find(grantId)))
    || new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope(SCOPES.join(' '));
  await grant.save();
  return grant;
}

function configuration(config) {
  const idTokenTtl = config.id_token_ttl_seconds ?? 3600;
  return {
    clients: config.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: readJson(config.keys_file),
    findAccount: accountFinder(config.accounts),
    claims: CLAIMS,
    scopes: SCOPES,
    conformIdTokenClaims: false,
    loadExistingGrant: grantEverything,
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // Plain http on loopback: a SameSite=None cookie without Secure is dropped by browsers.
    cookies: {
      keys: ['jobbank-test-provider-cookies'],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: idTokenTtl,
      Interaction: 600,
      Session: 3600,
    },
  };
}

function quiet(provider) {
  const errors = ['server_error', 'authorization.error', 'grant.error', 'end_session.error'];
  for (const name of errors) {
    provider.on(name, (ctx, error) => {
      if (name === 'server_error' || error.statusCode >= 500) console.error(name, error);
    });
  }
}

// The built-in pages import a web font from Google; a test browser has no internet to wait on.
async function withoutWebFonts(ctx, next) {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https:[^)]*\);?/g, '');
  }
}

function main() {
  const config = readJson(process.argv[2]);
  // oidc-provider's "development-only" reminders go to console.warn; the tests want silence.
  console.warn = () => {};
  const provider = new Provider(config.issuer, configuration(config));
  quiet(provider);
  provider.use(withoutWebFonts);
  provider.listen(config.port, '127.0.0.1');
  // No graceful close: a keep-alive connection from a test client would hold it open.
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

main();
