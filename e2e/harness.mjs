// Harness for Sportello's browser tests: a throw-away SQLite database with one operator,
// the real server binary on a free loopback port, and headless Chromium (system package,
// driven by playwright-core; no browser is ever downloaded). Optionally the database is
// filled with `sportello seed` first and the operator works for a real office (see
// startServer), and axe-core checks accessibility (assertAccessible).
//
// Environment:
//   SPORTELLO_BIN       server binary (default ../target/debug/sportello relative to e2e/)
//   CHROMIUM_PATH       browser binary (default /usr/bin/chromium)
//   E2E_KEEP_TMP=1      keep the temp dir (database and server log) after the run
//   E2E_SCREENSHOT_DIR  where tests may save screenshots (none when unset)

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SPORTELLO_BIN = path.resolve(
  here,
  process.env.SPORTELLO_BIN || path.join('..', 'target', 'debug', 'sportello'),
);
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1280, height: 800 };

const HEALTH_TIMEOUT_MS = 30_000;

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(nessun log)';
  }
}

/** Runs `sportello <args>` to completion in `cwd`; its stdout, or an Error with the output. */
function runCli(args, { cwd, env, what = args.slice(0, 2).join(' ') }) {
  const r = spawnSync(SPORTELLO_BIN, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(
      `${what} non riuscito (uscita ${r.status ?? r.signal}):\n` +
        `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error}` : ''}`,
    );
  }
  return r.stdout;
}

/**
 * Starts a fresh Sportello: temp dir, database, operator `op.e2e` (cpi_operator), server.
 *
 * Options:
 *   seed  default `{ persons: 0, regions: '09' }` (offices only); e.g. `{ persons: 300, employers: 20, seed: 7, regions: '09',
 *         officeComune: '048017' }`, the database is first filled with
 *         `sportello seed --persons … --employers … --seed … --regions …` (one office per
 *         province plus synthetic persons and employers). The operator is then scoped to the
 *         office whose `comune` is `officeComune` (default 048017, Firenze), looked up via
 *         `GET /api/v1/offices?region=…` with a regional_admin API token once the server is
 *         up (create-user works while the server runs: SQLite in WAL mode).
 *
 * Returns { baseUrl, username, password, name, tmp, logFile, stop() } and
 * `office` (the API's JSON for the operator's office), `apiToken` (a cpi_operator
 * token with the same scope as the operator) and `api(path)`: a GET with that token
 * resolving to the parsed JSON (throws on a non-2xx status). Always call stop().
 */
export async function startServer({ seed = { persons: 0, regions: '09' } } = {}) {
  if (!existsSync(SPORTELLO_BIN)) {
    throw new Error(`binario di Sportello non trovato: ${SPORTELLO_BIN} (impostare SPORTELLO_BIN)`);
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'sportello-e2e-'));
  const logFile = path.join(tmp, 'server.log');
  const username = 'op.e2e';
  const name = 'Operatrice E2E';
  const password = `E2e-${randomBytes(18).toString('base64url')}`; // 28 chars
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${tmp}/e2e.sqlite`,
    SPORTELLO__SERVER__PUBLIC_URL: baseUrl,
    RUST_LOG: process.env.RUST_LOG || 'info,sqlx=warn,sea_orm=warn',
  };
  delete env.SPORTELLO_PASSWORD;
  // cwd = tmp, so that no stray ./sportello.toml is picked up.
  const cli = (args, what) => runCli(args, { cwd: tmp, env, what });
  const createUser = (scope) => runCli(
    ['admin', 'create-user', '--username', username, '--name', name,
      '--role', 'cpi_operator', '--scope', scope],
    { cwd: tmp, env: { ...env, SPORTELLO_PASSWORD: password } },
  );
  const createToken = (tokenName, role, scope) => cli(
    ['admin', 'create-token', '--name', tokenName, '--role', role, ...(scope ? ['--scope', scope] : [])],
    'admin create-token',
  ).trim();

  // 1. The database (each command migrates it itself): either seeded data and an admin
  //    token to find the office, or just the operator with a scope of its own.
  let adminToken = null;
  try {
    {
      cli(['seed',
        '--persons', String(seed.persons ?? 0),
        '--employers', String(seed.employers ?? 0),
        '--seed', String(seed.seed ?? 1),
        ...(seed.regions ? ['--regions', String(seed.regions)] : []),
      ], 'sportello seed');
      adminToken = createToken('e2e', 'regional_admin');
    }
  } catch (e) {
    cleanup(tmp);
    throw e;
  }

  // 2. The server.
  const out = openSync(logFile, 'a');
  const child = spawn(SPORTELLO_BIN, ['serve', '--bind', `127.0.0.1:${port}`], {
    cwd: tmp,
    env,
    stdio: ['ignore', out, out],
  });
  closeSync(out); // the child has its own copy
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  // Never leave the server behind: on exit, and on a signal that would end this process.
  const killOnExit = () => {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
    cleanup(tmp);
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (sig) => {
    killOnExit();
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, sig);
  };
  process.on('exit', killOnExit);
  for (const s of SIGNALS) process.on(s, onSignal);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    for (const s of SIGNALS) process.off(s, onSignal);
    if (exited === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    cleanup(tmp);
  };

  // 3. Wait for /health.
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = '';
  for (;;) {
    if (exited !== null) {
      const log = tail(logFile);
      await stop();
      throw new Error(`il server è terminato all'avvio (${JSON.stringify(exited)}):\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e.cause?.code ?? e.message);
    }
    if (Date.now() > deadline) {
      const log = tail(logFile);
      await stop();
      throw new Error(`/health non risponde 200 entro ${HEALTH_TIMEOUT_MS / 1000} s (ultimo: ${last}):\n${log}`);
    }
    await sleep(200);
  }

  const server = { baseUrl, username, password, name, tmp, logFile, stop };
  // 4. Seeded: the operator (and an API token like it) works for the chosen office.
  try {
    const getJson = async (urlPath, token) => {
      const res = await fetch(`${baseUrl}${urlPath}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${urlPath}: HTTP ${res.status}\n${body.slice(0, 400)}`);
      return JSON.parse(body);
    };
    const comune = seed.officeComune ?? '048017';
    const region = seed.regions ? String(seed.regions).split(',')[0] : null;
    const offices = await getJson(
      `/api/v1/offices${region ? `?region=${encodeURIComponent(region)}` : ''}`, adminToken,
    );
    const list = Array.isArray(offices) ? offices : offices.items ?? [];
    const office = list.find((o) => o.comune === comune);
    if (!office) {
      throw new Error(`nessun ufficio con comune ${comune} tra ${list.length}: ` +
        `${list.map((o) => `${o.name} (${o.comune})`).join(', ')}`);
    }
    createUser(office.id);
    const apiToken = createToken('e2e-op', 'cpi_operator', office.id);
    return { ...server, office, apiToken, api: (urlPath) => getJson(urlPath, apiToken) };
  } catch (e) {
    await stop();
    throw e;
  }
}

function cleanup(tmp) {
  if (process.env.E2E_KEEP_TMP === '1') {
    appendFileSync(2, `E2E: temp dir kept at ${tmp}\n`);
    return;
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** Headless system Chromium. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium non trovato: ${CHROMIUM_PATH} (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

const CSP_PATTERN = /Content Security Policy|Refused to/i;

/** Console text made readable: data: URLs cut short, at most 400 characters. */
function shorten(text) {
  const t = text.replace(/(data:[^;,'"\s]+[;,][^'"\s]{0,40})[^'"\s]*/g, '$1…');
  return t.length > 400 ? `${t.slice(0, 400)}…` : t;
}

function recordCsp(page, entry) {
  if (!page.cspErrors.includes(entry)) page.cspErrors.push(entry);
}

/**
 * A new page in its own context (fresh cookies), 1280x800 unless `viewport` says otherwise,
 * Italian locale. Console messages and page errors that report a CSP violation are collected
 * in `page.cspErrors`; call assertNoCspErrors(page) to fail on them.
 */
export async function newPage(browser, { viewport = VIEWPORT } = {}) {
  const context = await browser.newContext({ viewport, locale: 'it-IT' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.cspErrors = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (!CSP_PATTERN.test(text)) return;
    const source = msg.location()?.url;
    const from = source && source !== page.url() ? ` (da ${source})` : '';
    recordCsp(page, `[console.${msg.type()}] ${page.url()}${from}: ${shorten(text)}`);
  });
  page.on('pageerror', (err) => {
    const text = String(err?.message ?? err);
    if (CSP_PATTERN.test(text)) recordCsp(page, `[pageerror] ${page.url()}: ${shorten(text)}`);
  });
  return page;
}

/** A description of the page's Content-Security-Policy violations, or null if none. */
export function cspProblems(page, label = page.url()) {
  if (page.cspErrors.length === 0) return null;
  const list = page.cspErrors.map((e) => `  - ${e}`).join('\n');
  return `${label}: ${page.cspErrors.length} violazioni della Content-Security-Policy:\n${list}`;
}

/** Fails the test if the page reported any Content-Security-Policy violation. */
export function assertNoCspErrors(page, label) {
  const problems = cspProblems(page, label);
  if (problems) throw new Error(problems);
}

/** Fills and submits the login form; resolves after the resulting navigation. */
export async function login(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: 'Accedi', exact: true }).click(),
  ]);
}

/** Where tests may write screenshots, or null. */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR || null;

/** Saves a screenshot of the viewport as SCREENSHOT_DIR/name; does nothing without it. */
export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: false });
}

// --- accessibility (axe-core) ---------------------------------------------------------------

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_BLOCKING = new Set(['serious', 'critical']);

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ') ?? ''}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** axe's serious/critical violations as text (null if none); lesser ones go to stderr. */
export async function axeProblems(page, label = page.url()) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const minor = results.violations.filter((v) => !AXE_BLOCKING.has(v.impact));
  if (minor.length > 0) {
    process.stderr.write(`axe (${label}), non bloccanti:\n${describeViolations(minor)}\n`);
  }
  const blocking = results.violations.filter((v) => AXE_BLOCKING.has(v.impact));
  if (blocking.length === 0) return null;
  return `axe (${label}): ${blocking.length} violazioni gravi o critiche\n${describeViolations(blocking)}`;
}

/**
 * Fails on axe's serious/critical violations (WCAG 2.0/2.1 A and AA) and on CSP violations
 * reported so far by the page; both checks run, and one failure lists everything found.
 */
export async function assertAccessible(page, label = page.url()) {
  const problems = [await axeProblems(page, label), cspProblems(page, label)].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
}
