// A small, real express-session app on connect-redis or connect-pg-simple,
// configured from the environment, for sessionkit's interop tests. The
// package doc of internal/expresstest (doc.go) lists the variables and
// routes; this file is the reference for what the app does.
'use strict';

const express = require('express');
const session = require('express-session');

const env = process.env;
const config = {
  store: env.STORE || 'redis',
  redisURL: env.REDIS_URL || 'redis://127.0.0.1:6379/0',
  databaseURL: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  secrets: (env.SECRETS || '').split(',').filter((s) => s !== ''),
  cookieName: env.COOKIE_NAME || 'connect.sid',
  // Unset: a browser-session cookie (no Expires), express-session's default.
  maxAge: env.MAX_AGE_MS ? Number(env.MAX_AGE_MS) : undefined,
  // An empty PREFIX is a valid connect-redis prefix, so only unset means the default.
  prefix: env.PREFIX === undefined ? 'sess:' : env.PREFIX,
  table: env.TABLE || 'session',
  schema: env.SCHEMA || undefined,
  port: Number(env.PORT || 0),
  rolling: env.ROLLING === '1',
  exitWithStdin: env.EXIT_WITH_STDIN === '1',
};

function fail(message) {
  console.error('app.js: ' + message);
  process.exit(2);
}

if (config.secrets.length === 0) fail('SECRETS must name at least one secret');
if (config.maxAge !== undefined && !(config.maxAge > 0)) fail('MAX_AGE_MS must be a positive number of milliseconds');

// openStore connects to the configured store and returns it with a function
// that closes its connections. It checks the connection (and, for
// PostgreSQL, creates the table) before the app says it is listening, so a
// test can read the store as soon as the app is up.
async function openStore() {
  if (config.store === 'redis') {
    const { createClient } = require('redis');
    const { RedisStore } = require('connect-redis');
    const client = createClient({ url: config.redisURL });
    client.on('error', (err) => console.error('redis:', err.message));
    await client.connect();
    const store = new RedisStore({ client, prefix: config.prefix });
    return { store, close: () => client.close() };
  }
  if (config.store === 'postgres') {
    const pg = require('pg');
    const PgStore = require('connect-pg-simple')(session);
    const pool = new pg.Pool({ connectionString: config.databaseURL });
    pool.on('error', (err) => console.error('pg:', err.message));
    const store = new PgStore({
      pool,
      tableName: config.table,
      schemaName: config.schema,
      createTableIfMissing: true,
      // No background pruning: a test decides when expired rows go.
      pruneSessionInterval: false,
    });
    // A lookup of no session: the first query creates the table.
    await new Promise((resolve, reject) => store.get('', (err) => (err ? reject(err) : resolve())));
    return { store, close: () => pool.end() };
  }
  return fail('STORE must be redis or postgres, not ' + JSON.stringify(config.store));
}

// Names that a PUT /kv/:key must not overwrite: the cookie, the session's
// own properties and methods, and the prototype.
const reserved = new Set(['cookie', 'id', 'req', 'regenerate', 'destroy', 'reload', 'save', 'touch', 'resetMaxAge', '__proto__', 'constructor']);

function routes(app) {
  app.post('/login', express.urlencoded({ extended: false }), (req, res, next) => {
    const user = req.body && req.body.user;
    if (typeof user !== 'string' || user === '') return res.status(400).json({ error: 'form field user is required' });
    // A new ID at login, as express-session's docs recommend.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = user;
      req.session.save((err) => (err ? next(err) : res.json({ user })));
    });
  });

  app.get('/me', (req, res) => {
    if (req.session.user === undefined) return res.status(401).json({ error: 'not logged in' });
    res.json({ user: req.session.user });
  });

  // The body is taken as text whatever its Content-Type, and must be JSON.
  app.put('/kv/:key', express.text({ type: () => true }), (req, res) => {
    const key = req.params.key;
    if (reserved.has(key)) return res.status(400).json({ error: 'reserved key' });
    let value;
    try {
      value = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch {
      return res.status(400).json({ error: 'body is not JSON' });
    }
    req.session[key] = value;
    res.status(204).end(); // express-session saves the session before the response ends
  });

  app.get('/kv/:key', (req, res) => {
    const key = req.params.key;
    if (reserved.has(key) || !Object.hasOwn(req.session, key)) return res.status(404).json({ error: 'no such key' });
    res.json(req.session[key]);
  });

  app.get('/keys', (req, res) => {
    res.json(Object.keys(req.session).filter((k) => k !== 'cookie').sort());
  });

  // express-session deletes the record but leaves the cookie in place.
  app.post('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.json({ ok: true })));
  });

  app.post('/touch', (req, res, next) => {
    req.session.touch();
    req.session.save((err) => (err ? next(err) : res.json({ ok: true })));
  });

  // Errors as JSON, with the message only: no stack, and never a session ID.
  app.use((err, req, res, next) => {
    console.error('app.js:', err.message);
    if (res.headersSent) return next(err);
    res.status(500).json({ error: err.message });
  });
}

async function main() {
  const { store, close } = await openStore();
  const app = express();
  app.use(
    session({
      name: config.cookieName,
      secret: config.secrets, // the first signs, every one verifies
      store,
      resave: false,
      saveUninitialized: false,
      rolling: config.rolling,
      cookie: { maxAge: config.maxAge },
    }),
  );
  routes(app);

  const server = app.listen(config.port, '127.0.0.1', (err) => {
    if (err) fail(err.message);
    console.log('listening http://127.0.0.1:' + server.address().port);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    Promise.resolve(close())
      .catch((err) => console.error('app.js: close:', err.message))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A parent that holds our stdin open stops us by closing it, or by dying.
  if (config.exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

main().catch((err) => fail(err.message));
