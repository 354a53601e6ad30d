// A real OpenID provider for the sign-in tests: panva's oidc-provider (OpenID Certified),
// with a static client, a few accounts and a plain login page.
//
// Started by tests/accounts/oidc_fixtures.py on 127.0.0.1; prints one JSON line
// {"issuer": ..., "port": ...} on stdout once it listens.
//
// Environment:
//   OP_CLIENT    JSON {client_id, client_secret, redirect_uris}
//   OP_ACCOUNTS  JSON [{login, password, sub, amr?, acr?, claims?}]
// Arguments (knobs for the refusal tests):
//   --issuer URL        announce and sign as this issuer instead of http://127.0.0.1:<port>
//   --id-token MODE     genuine (default) | expired | wrong-audience | replay
//                       expired, wrong-audience: the token endpoint's ID token is re-signed
//                       with this provider's own key after moving exp/iat an hour back or
//                       setting aud to another client; replay: every token response carries
//                       the first ID token this provider issued.
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    issuer: { type: 'string' },
    'id-token': { type: 'string', default: 'genuine' },
  },
});
const MODES = ['genuine', 'expired', 'wrong-audience', 'replay'];
if (!MODES.includes(args['id-token'])) {
  throw new Error(`--id-token must be one of ${MODES.join(', ')}`);
}
const client = JSON.parse(process.env.OP_CLIENT);
const accounts = JSON.parse(process.env.OP_ACCOUNTS || '[]');

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = crypto.randomUUID();
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

const base64url = (value) => Buffer.from(value).toString('base64url');

function resign(idToken, change) {
  const [, payload] = idToken.split('.');
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString()));
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
  return `${input}.${signature}`;
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error = '') {
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="off">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Continue</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

let handle = () => {};
const server = http.createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = args.issuer || `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey] },
    // As Entra ID and CIS2 do, the ID token always says how the person authenticated
    // (amr, acr) and, when the account has them, Entra ID's oid and tid.
    claims: { auth_time: null, sid: null, openid: ['sub', 'acr', 'amr', 'oid', 'tid'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    async findAccount(ctx, sub) {
      const account = accounts.find((a) => a.sub === sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...(account.claims || {}) }) };
    },
    // The app is a first-party client: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope);
      await grant.save();
      return grant;
    },
  });

  let firstIdToken;
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    const mode = args['id-token'];
    if (mode === 'expired') {
      // Expired ten minutes ago: well past any clock leeway.
      const exp = Math.floor(Date.now() / 1000) - 600;
      ctx.body.id_token = resign(ctx.body.id_token, (c) => ({ ...c, iat: exp - 3600, exp }));
    } else if (mode === 'wrong-audience') {
      ctx.body.id_token = resign(ctx.body.id_token, (c) => ({ ...c, aud: 'another-client' }));
    } else if (mode === 'replay') {
      firstIdToken ??= ctx.body.id_token;
      ctx.body.id_token = firstIdToken;
    }
  });

  const oidc = provider.callback();
  handle = async (req, res) => {
    const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (!match) return oidc(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (req.method === 'GET') return res.end(loginPage(details.uid));
      const form = await readForm(req);
      const account = accounts.find((a) => a.login === form.login && a.password === form.password);
      if (!account) return res.end(loginPage(details.uid, 'Wrong username or password.'));
      const login = { accountId: account.sub };
      if (account.amr) login.amr = account.amr;
      if (account.acr) login.acr = account.acr;
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 400;
      res.end(String(error));
    }
  };
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

// The test run ends us with SIGTERM; also go if our parent does (stdin closes).
process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
