// Anagrafe delle persone, su dati sintetici reali (`sportello seed`, Toscana): l'operatrice
// del CPI di Firenze cerca una persona, apre la scheda, registra una persona nuova con il
// carattere di controllo del codice fiscale sbagliato, vede l'errore in italiano accanto al
// campo, lo corregge e salva. Axe e CSP su risultati, scheda e modulo con errori.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible, assertNoCspErrors, launchBrowser, login, newPage, screenshot, startServer,
} from '../harness.mjs';

const SEED = { persons: 300, employers: 20, seed: 7, regions: '09', officeComune: '048017' };
const VIEWPORT = { width: 1280, height: 900 };

// Carattere di controllo del codice fiscale (DM 23/12/1976): posizioni dispari (da 1) con
// la tabella qui sotto, pari con il valore 0–9 / A–Z = 0–25; somma modulo 26 → 'A' + resto.
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const charValue = (ch) => (/[0-9]/.test(ch) ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 65);

function checkChar(first15) {
  assert.match(first15, /^[A-Z0-9]{15}$/);
  let sum = 0;
  for (let i = 0; i < 15; i += 1) {
    const v = charValue(first15[i]);
    sum += i % 2 === 0 ? ODD[v] : v; // i = 0 is position 1 (odd)
  }
  return String.fromCharCode(65 + (sum % 26));
}

// Neri Paolo, maschio, nato il 30/07/2001 a Firenze (D612):
// cognome N R + E → NRE; nome P L + A → PLA; anno 01; luglio L; giorno 30; D612.
const NEW_PERSON = {
  surname: 'Neri',
  name: 'Paolo',
  birthDate: '30/07/2001',
  comune: 'Firenze (FI)',
  address: 'Via dei Servi 12',
  first15: 'NREPLA01L30D612',
};
const GOOD_CF = NEW_PERSON.first15 + checkChar(NEW_PERSON.first15);
const WRONG_CF = NEW_PERSON.first15 + (GOOD_CF.endsWith('A') ? 'B' : 'A');

/** Clicks what `locator` finds and resolves with the response of the navigation it causes. */
async function clickAndWait(page, locator) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  return response;
}

describe('anagrafe delle persone', () => {
  let server;
  let browser;
  let person; // una persona seminata che l'operatrice vede

  before(async () => {
    server = await startServer({ seed: SEED });
    browser = await launchBrowser();
    const { items } = await server.api('/api/v1/persons?limit=1');
    assert.ok(items?.length === 1, `nessuna persona visibile al CPI di ${server.office.name}`);
    [person] = items;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('il carattere di controllo calcolato nel test è quello giusto', () => {
    // Una persona seminata ha un codice valido: lo stesso algoritmo deve ritrovarne l'ultimo carattere.
    const cf = person.codice_fiscale;
    assert.equal(checkChar(cf.slice(0, 15)), cf[15], `carattere di controllo di ${cf}`);
  });

  test('l\'operatrice cerca una persona per cognome e ne apre la scheda', async () => {
    const page = await newPage(browser, { viewport: VIEWPORT });
    try {
      await login(page, server.baseUrl, server.username, server.password);
      await page.goto(`${server.baseUrl}/persons`);
      assert.equal((await page.locator('h1').innerText()).trim(), 'Persone');
      await page.getByLabel('Codice fiscale o cognome e nome').fill(person.surname);
      const response = await clickAndWait(page, page.getByRole('button', { name: 'Cerca', exact: true }));
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).searchParams.get('q'), person.surname);

      const table = page.getByRole('table', { name: 'Risultati della ricerca' });
      assert.ok(await table.isVisible(), 'manca la tabella dei risultati');
      const rows = table.locator('tbody tr');
      assert.ok((await rows.count()) >= 1, 'nessun risultato');
      // Ogni risultato porta il cognome cercato nella prima colonna, che è un link alla scheda.
      for (const text of await rows.locator('td:first-child').allInnerTexts()) {
        assert.ok(
          text.toLocaleLowerCase('it').startsWith(person.surname.toLocaleLowerCase('it')),
          `risultato inatteso per «${person.surname}»: «${text}»`,
        );
      }
      const link = table.locator(`a[href="/persons/${person.id}"]`);
      assert.equal(await link.count(), 1, `manca il link a /persons/${person.id}`);
      assert.equal((await link.innerText()).trim(), `${person.surname} ${person.name}`);
      await screenshot(page, 'persons-search.png');
      await assertAccessible(page, '/persons?q= (risultati)');

      await clickAndWait(page, link);
      assert.equal(new URL(page.url()).pathname, `/persons/${person.id}`);
      assert.equal((await page.locator('h1').innerText()).trim(), `${person.surname} ${person.name}`);
      const code = page.locator('main code');
      assert.equal((await code.innerText()).trim(), person.codice_fiscale);
      assert.ok(await code.isVisible(), 'codice fiscale non visibile');
      await screenshot(page, 'persons-card.png');
      await assertAccessible(page, `/persons/${person.id}`);
    } finally {
      await page.context().close();
    }
  });

  test('nuova persona: carattere di controllo errato, errore accanto al campo, poi correzione', async () => {
    const page = await newPage(browser, { viewport: VIEWPORT });
    try {
      await login(page, server.baseUrl, server.username, server.password);
      await page.goto(`${server.baseUrl}/persons`);
      await clickAndWait(page, page.getByRole('link', { name: 'Nuova persona', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/persons/new');
      assert.equal((await page.locator('h1').innerText()).trim(), 'Nuova persona');

      // Codice con il carattere di controllo sbagliato, digitato: la verifica in diretta
      // (htmx, dopo una pausa nella digitazione) lo segnala sotto il campo.
      const cf = page.locator('#codice_fiscale');
      const live = page.locator('#cf-verifica');
      await cf.pressSequentially(WRONG_CF);
      await live.filter({ hasText: 'carattere di controllo' }).waitFor({ state: 'visible' });
      const liveText = await live.innerText();
      assert.match(liveText, new RegExp(`atteso «${GOOD_CF[15]}»`), `verifica in diretta: «${liveText}»`);

      await page.fill('#surname', NEW_PERSON.surname);
      await page.fill('#name', NEW_PERSON.name);
      await page.fill('#birth_date', NEW_PERSON.birthDate);
      // Il comune si digita: htmx riempie l'elenco di suggerimenti (datalist) e si sceglie
      // «Firenze (FI)» (scegliere un suggerimento cambia il valore senza eventi di tastiera).
      const comune = page.locator('#domicile_comune');
      await comune.pressSequentially('Firen');
      await page.locator(`#comuni-elenco option[value="${NEW_PERSON.comune}"]`)
        .waitFor({ state: 'attached' });
      await comune.fill(NEW_PERSON.comune);
      await page.fill('#domicile_address', NEW_PERSON.address);

      const rejected = await clickAndWait(page, page.getByRole('button', { name: 'Salva', exact: true }));
      assert.equal(rejected.status(), 422);
      assert.equal(new URL(page.url()).pathname, '/persons');
      // L'errore in italiano accanto al campo, collegato al campo.
      assert.match(await cf.getAttribute('class'), /\bis-invalid\b/, '#codice_fiscale senza is-invalid');
      assert.equal(await cf.getAttribute('aria-invalid'), 'true', '#codice_fiscale senza aria-invalid');
      const describedBy = (await cf.getAttribute('aria-describedby')) ?? '';
      assert.ok(
        describedBy.split(/\s+/).includes('codice_fiscale-errore'),
        `#codice_fiscale aria-describedby="${describedBy}" non cita codice_fiscale-errore`,
      );
      const fieldError = page.locator('#codice_fiscale-errore');
      assert.ok(await fieldError.isVisible(), '#codice_fiscale-errore non è visibile');
      assert.match(await fieldError.innerText(), /carattere di controllo/);
      // Gli altri campi restano compilati e senza errori.
      assert.equal(await cf.inputValue(), WRONG_CF);
      assert.equal(await page.locator('#surname').inputValue(), NEW_PERSON.surname);
      assert.equal(await page.locator('#domicile_comune').inputValue(), NEW_PERSON.comune);
      assert.equal(await page.locator('main .is-invalid').count(), 1, 'altri campi segnati come errati');
      await screenshot(page, 'persons-form-errors.png');
      await assertAccessible(page, '/persons (modulo con errori)');

      // Correzione: si riscrive il codice, la verifica in diretta lo dà valido, si salva.
      await cf.fill('');
      await cf.pressSequentially(GOOD_CF);
      await live.filter({ hasText: 'Codice valido' }).waitFor({ state: 'visible' });
      assert.match(await live.innerText(), /nato\/a il 30\/07\/2001 a Firenze/);
      const saved = await clickAndWait(page, page.getByRole('button', { name: 'Salva', exact: true }));
      assert.equal(saved.status(), 200);
      const url = new URL(page.url());
      assert.match(url.pathname, /^\/persons\/[0-9a-f-]{36}$/, `dopo il salvataggio: ${page.url()}`);
      assert.equal(url.search, '', 'il messaggio di salvataggio non passa dall\'indirizzo');
      assert.ok(await page.getByText('Dati salvati.', { exact: true }).isVisible(), 'manca «Dati salvati.»');
      assert.equal((await page.locator('h1').innerText()).trim(), `${NEW_PERSON.surname} ${NEW_PERSON.name}`);
      assert.equal((await page.locator('main code').innerText()).trim(), GOOD_CF);
      assertNoCspErrors(page);

      // La persona nuova si trova con la ricerca per codice fiscale.
      const id = url.pathname.split('/').pop();
      const found = await server.api(`/api/v1/persons?q=${GOOD_CF}`);
      assert.ok(found.items.some((p) => p.id === id), `${GOOD_CF} non trovato dall'API`);
    } finally {
      await page.context().close();
    }
  });
});
