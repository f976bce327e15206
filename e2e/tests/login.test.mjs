// Accesso e uscita dell'operatore, in un vero Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertNoCspErrors, launchBrowser, login, newPage, startServer } from '../harness.mjs';

describe('accesso', () => {
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

  test('operatore accede e raggiunge la home', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/login`);
      assert.equal(await page.locator('#username').count(), 1, 'manca #username');
      assert.equal(await page.locator('#password').count(), 1, 'manca #password');
      await login(page, server.baseUrl, server.username, server.password);
      assert.equal(new URL(page.url()).pathname, '/', `URL dopo l'accesso: ${page.url()}`);
      assert.equal((await page.locator('h1').innerText()).trim(), `Buongiorno, ${server.name}`);
      assertNoCspErrors(page);
    } finally {
      await page.context().close();
    }
  });

  test('password errata mostra errore in italiano', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.fill('#username', server.username);
      await page.fill('#password', 'password-sbagliata-123');
      const [response] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Accedi', exact: true }).click(),
      ]);
      assert.equal(response.status(), 401);
      assert.equal(new URL(page.url()).pathname, '/login');
      const alert = page.getByRole('alert').filter({ hasText: 'Nome utente o password non corretti.' });
      assert.equal(await alert.count(), 1, 'manca l\'avviso "Nome utente o password non corretti."');
      assert.ok(await alert.isVisible(), 'l\'avviso non è visibile');
      assertNoCspErrors(page);
    } finally {
      await page.context().close();
    }
  });

  test('campi vuoti mostrano errori accanto ai campi', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Accedi', exact: true }).click(),
      ]);
      for (const field of ['username', 'password']) {
        const input = page.locator(`#${field}`);
        const errorId = `${field}-errore`;
        const error = page.locator(`#${errorId}`);
        assert.equal(await error.count(), 1, `manca #${errorId}`);
        assert.ok(await error.isVisible(), `#${errorId} non è visibile`);
        assert.notEqual((await error.innerText()).trim(), '', `#${errorId} è vuoto`);
        const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
        assert.ok(
          describedBy.split(/\s+/).includes(errorId),
          `#${field} aria-describedby="${describedBy}" non cita ${errorId}`,
        );
        assert.equal(await input.getAttribute('aria-invalid'), 'true', `#${field} senza aria-invalid`);
      }
      assertNoCspErrors(page);
    } finally {
      await page.context().close();
    }
  });

  test('esci termina la sessione', async () => {
    const page = await newPage(browser);
    try {
      await login(page, server.baseUrl, server.username, server.password);
      assert.equal(new URL(page.url()).pathname, '/');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('header').getByRole('button', { name: 'Esci', exact: true }).click(),
      ]);
      await page.goto(`${server.baseUrl}/`);
      assert.equal(new URL(page.url()).pathname, '/login', `dopo l'uscita / porta a ${page.url()}`);
      assert.equal(await page.locator('#username').count(), 1);
      assertNoCspErrors(page);
    } finally {
      await page.context().close();
    }
  });
});
