// Accessibilità (axe-core, WCAG 2.1 A/AA) e assenza di violazioni della CSP.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import {
  SCREENSHOT_DIR, cspProblems, launchBrowser, login, newPage, startServer,
} from '../harness.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

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
async function axeProblems(page, label) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const minor = results.violations.filter((v) => !BLOCKING.has(v.impact));
  if (minor.length > 0) {
    process.stderr.write(`axe (${label}), non bloccanti:\n${describeViolations(minor)}\n`);
  }
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact));
  if (blocking.length === 0) return null;
  return `axe (${label}): ${blocking.length} violazioni gravi o critiche\n${describeViolations(blocking)}`;
}

/** Both checks run; one failure lists everything found on the page. */
async function assertAccessible(page, label) {
  const problems = [await axeProblems(page, label), cspProblems(page, label)].filter(Boolean);
  assert.equal(problems.length, 0, problems.join('\n\n'));
}

async function screenshot(page, name) {
  if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: false });
}

describe('accessibilità', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('pagina di accesso', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.evaluate(() => document.fonts.ready);
      await screenshot(page, 'login.png');
      await assertAccessible(page, '/login');
    } finally {
      await page.context().close();
    }
  });

  test('pagina di accesso con errori di compilazione', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Accedi', exact: true }).click(),
      ]);
      assert.equal(await page.locator('#username-errore').count(), 1, 'errori di campo non mostrati');
      await assertAccessible(page, '/login con errori');
    } finally {
      await page.context().close();
    }
  });

  test('documentazione delle API', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/api/docs`);
      await page.evaluate(() => document.fonts.ready);
      assert.equal((await page.locator('h1').innerText()).trim(), 'Documentazione delle API');
      assert.ok(await page.locator('code', { hasText: '/api/v1/persons' }).first().isVisible());
      await screenshot(page, 'api-docs.png');
      await assertAccessible(page, '/api/docs');
    } finally {
      await page.context().close();
    }
  });

  test('home dopo l\'accesso', async () => {
    const page = await newPage(browser);
    try {
      await login(page, server.baseUrl, server.username, server.password);
      assert.equal(new URL(page.url()).pathname, '/');
      await page.evaluate(() => document.fonts.ready);
      await screenshot(page, 'home.png');
      await assertAccessible(page, '/');
    } finally {
      await page.context().close();
    }
  });
});
