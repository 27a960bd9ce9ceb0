// Runs the Waline server (npm @waline/vercel) in this single process, bound to 127.0.0.1.
//
// Usage: node --require ./waline-preload.cjs ./waline-serve.cjs <sqlite dir> <db name> [port]
// Prints `waline listening on http://127.0.0.1:<port>` once it accepts requests. Port 0 (the
// default) picks a free one. Creates the tables when the database is new, answers Waline's
// OAuth service lookup itself (no login providers), and turns Akismet off.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const [dir, name, portArg] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: waline-serve.cjs <sqlite dir> <db name> [port]');
  process.exit(2);
}
const port = Number(portArg || 0);

function createTables() {
  const sqlite3 = require('sqlite3');
  const file = path.join(dir, `${name}.sqlite`);
  fs.mkdirSync(dir, { recursive: true });
  const schema = fs.readFileSync(path.join(__dirname, 'waline-schema.sql'), 'utf8');
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec(schema, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

function listen(server, p) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  await createTables();
  // Waline fetches OAUTH_URL before every request; this answer means "no login providers".
  const oauth = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"services":[]}');
  });
  const oauthPort = await listen(oauth, 0);
  Object.assign(process.env, {
    SQLITE_PATH: dir,
    SQLITE_DB: name,
    OAUTH_URL: `http://127.0.0.1:${oauthPort}`,
    AKISMET_KEY: 'false',
    JWT_TOKEN: process.env.JWT_TOKEN || 'talkback-local-waline',
    DISABLE_REGION: 'true',
  });
  const handler = require('@waline/vercel')({ env: 'production' });
  const server = http.createServer((req, res) => handler(req, res));
  const bound = await listen(server, port);
  console.log(`waline listening on http://127.0.0.1:${bound}`);
  const stop = () => {
    server.close();
    oauth.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error('waline could not start:', err);
  process.exit(1);
});
