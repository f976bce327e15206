// Harness for Sportello's browser tests: a throw-away SQLite database with one operator,
// the real server binary on a free loopback port, and headless Chromium (system package,
// driven by playwright-core; no browser is ever downloaded).
//
// Environment:
//   SPORTELLO_BIN       server binary (default ../target/debug/sportello relative to e2e/)
//   CHROMIUM_PATH       browser binary (default /usr/bin/chromium)
//   E2E_KEEP_TMP=1      keep the temp dir (database and server log) after the run
//   E2E_SCREENSHOT_DIR  where tests may save screenshots (none when unset)

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Starts a fresh Sportello: temp dir, database, operator `op.e2e`, server.
 * Returns { baseUrl, username, password, name, tmp, stop() }. Always call stop().
 */
export async function startServer() {
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

  // 1. The operator (the command migrates the database itself). cwd = tmp, so that no
  //    stray ./sportello.toml is picked up.
  const created = spawnSync(
    SPORTELLO_BIN,
    ['admin', 'create-user', '--username', username, '--name', name,
      '--role', 'cpi_operator', '--scope', randomUUID()],
    { cwd: tmp, env: { ...env, SPORTELLO_PASSWORD: password }, encoding: 'utf8', timeout: 60_000 },
  );
  if (created.status !== 0) {
    cleanup(tmp);
    throw new Error(
      `admin create-user non riuscito (uscita ${created.status ?? created.signal}):\n` +
        `${created.stdout}\n${created.stderr}${created.error ? `\n${created.error}` : ''}`,
    );
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

  return { baseUrl, username, password, name, tmp, logFile, stop };
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
 * A new page in its own context (fresh cookies), 1280x800, Italian locale. Console messages
 * and page errors that report a CSP violation are collected in `page.cspErrors`; call
 * assertNoCspErrors(page) to fail on them.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'it-IT' });
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
