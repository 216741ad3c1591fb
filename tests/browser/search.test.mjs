// The search in a real browser: Chinese, English and mixed queries find the
// right step and its link lands on it; a query with no match says so; the
// keyboard (/, arrows, Enter, Esc) works; nothing loads before the reader
// starts searching; it works from file://, from a sub-path and under
// `script-src 'self'` with no console errors; axe-core finds nothing
// serious. The ranking table tests/search-cases.json is the one the Rust
// unit tests hold the Rust ranking to.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  buildSite,
  fileUrl,
  launch,
  openPage,
  repoRoot,
  serve,
  seriousAxeViolations,
  tempDir,
  writeSite,
} from './support.mjs';

const GUIDE = 'before-leaving/unbind-contacts/index.html';
const SECTION = 'before-leaving/index.html';
const cases = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/search-cases.json'), 'utf8'));

let site;
let server;
let browser;

before(async () => {
  site = buildSite();
  server = await serve(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Asserts that nothing went wrong on the page. */
function assertClean(log) {
  assert.deepEqual(log.errors, [], 'no console errors');
  assert.deepEqual(log.warnings.filter((w) => /search|Content Security/i.test(w)), [], 'no warnings');
  assert.deepEqual(log.failed, [], 'no failed requests');
}

/** Types a query with `/` and waits until its results (or "no match") show. */
async function searchFor(page, query) {
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.waitForFunction(
    (q) => document.getElementById('search')?.dataset.shown === q,
    query,
    { timeout: 5000 },
  );
}

/** The results as `{ href, title, page, snippet, marks }`. */
function results(page) {
  return page.$$eval('#search-listbox [role="option"]', (options) =>
    options.map((option) => ({
      href: option.href,
      title: option.querySelector('.search-result-title')?.textContent ?? '',
      page: option.querySelector('.search-result-page')?.textContent ?? '',
      snippet: option.querySelector('.search-result-snippet')?.textContent ?? '',
      marks: [...option.querySelectorAll('mark')].map((mark) => mark.textContent),
    })),
  );
}

/** `url#anchor` of a result link relative to the site root, as in search-cases.json. */
function location(href, rootUrl) {
  return href.slice(rootUrl.length).replace(/index\.html(#|$)/, '$1');
}

describe('finding things', () => {
  test('手机号 finds the step about unbinding the phone number, and its link lands on it', async () => {
    const { context, page, log } = await openPage(browser, server.url + SECTION);
    await searchFor(page, '手机号');
    const found = await results(page);
    assert.ok(found.length >= 2, 'several results');
    assert.equal(found[0].href, server.url + 'before-leaving/unbind-contacts/index.html#unbind-phone');
    assert.match(found[0].title, /解绑个人手机号/);
    assert.equal(found[0].page, '解绑个人联系方式', 'the page is named');
    assert.ok(found[0].marks.includes('手机号'), 'the words are marked');
    assert.ok(found.some((result) => result.snippet.includes('手机号')), 'snippets show the words');

    await page.keyboard.press('Enter');
    await page.waitForURL(/unbind-contacts\/index\.html#unbind-phone$/);
    const step = page.locator('#unbind-phone');
    await step.waitFor();
    assert.ok(await step.isVisible());
    const box = await step.boundingBox();
    const viewport = page.viewportSize();
    assert.ok(box.y >= 0 && box.y < viewport.height, 'the step is scrolled into view');
    assertClean(log);
    await context.close();
  });

  test('QQ, mixed and full-width queries find the QQ steps', async () => {
    const { context, page, log } = await openPage(browser, server.url + 'index.html');
    for (const query of ['QQ', 'QQ 号', 'ＱＱ号']) {
      await page.fill('#search-input', '');
      await page.locator('#search-input').blur();
      await searchFor(page, query);
      const found = await results(page);
      assert.ok(found.length > 0, `${query} finds results`);
      assert.equal(location(found[0].href, server.url), 'before-leaving/unbind-contacts/#unbind-qq', query);
    }
    assertClean(log);
    await context.close();
  });

  test('the browser ranks as the Rust tests do (tests/search-cases.json)', async () => {
    const { context, page, log } = await openPage(browser, server.url + GUIDE);
    for (const entry of cases) {
      await page.fill('#search-input', '');
      await page.locator('#search-input').blur();
      await searchFor(page, entry.query);
      const found = (await results(page)).slice(0, 5).map((r) => location(r.href, server.url));
      if (entry.none) {
        assert.deepEqual(found, [], `${entry.query}: nothing`);
        continue;
      }
      if (entry.first) assert.equal(found[0], entry.first, `${entry.query}: ${found}`);
      for (const place of entry.among || []) {
        assert.ok(found.includes(place), `${entry.query}: ${place} among ${found}`);
      }
    }
    assertClean(log);
    await context.close();
  });

  test('a query with no match says so', async () => {
    const { context, page, log } = await openPage(browser, server.url + GUIDE);
    await searchFor(page, '量子计算');
    assert.deepEqual(await results(page), []);
    const status = page.locator('#search-panel [role="status"]');
    assert.equal(await status.textContent(), '没有找到与“量子计算”相关的内容');
    assert.ok(await status.isVisible());
    assertClean(log);
    await context.close();
  });

  test('an English site speaks English', async () => {
    const root = writeSite({
      'content/_index.md': '+++\ntitle = "Home"\n+++\n\nWelcome.\n',
      'content/leaving.md':
        '+++\ntitle = "Before you leave"\n+++\n\n## Accounts {#accounts}\n\n- [ ] Unbind your phone number {#unbind-phone}\n',
    });
    const english = buildSite({ root });
    const local = await serve(english);
    const { context, page, log } = await openPage(browser, local.url + 'index.html');
    await searchFor(page, 'phone');
    const found = await results(page);
    assert.equal(found[0].href, local.url + 'leaving/index.html#unbind-phone');
    assert.deepEqual(found[0].marks, ['phone']);
    await page.fill('#search-input', '');
    await page.locator('#search-input').blur();
    await searchFor(page, 'xylophone');
    assert.equal(await page.textContent('#search-panel [role="status"]'), 'No results for “xylophone”');
    assert.equal(await page.getAttribute('#search-input', 'placeholder'), 'Search the guide…');
    assertClean(log);
    await context.close();
    await local.close();
  });
});

describe('keyboard', () => {
  test('/ focuses the box; arrows walk the results; Enter opens; Esc closes', async () => {
    const { context, page, log } = await openPage(browser, server.url + SECTION);
    const input = page.locator('#search-input');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    await searchFor(page, 'QQ');
    assert.ok(await input.evaluate((node) => node === document.activeElement), '/ focused the box');
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    const options = page.locator('#search-listbox [role="option"]');
    const count = await options.count();
    assert.ok(count >= 3);

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'search-option-1');
    assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
    assert.equal(await options.nth(0).getAttribute('aria-selected'), 'false');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.getAttribute('aria-activedescendant'), `search-option-${count - 1}`, 'wraps around');
    await page.keyboard.press('ArrowDown');

    await page.keyboard.press('Escape');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.ok(await page.locator('#search-panel').isHidden());
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-expanded'), 'true', 'arrows reopen');
    await page.keyboard.press('ArrowDown');
    const target = await options.nth(1).getAttribute('href');
    await page.keyboard.press('Enter');
    await page.waitForURL(new URL(target, server.url + SECTION).href);
    assertClean(log);
    await context.close();
  });

  test('/ works from a ticked step, and a result on the same page just scrolls there', async () => {
    const { context, page, log } = await openPage(browser, server.url + GUIDE);
    await page.locator('#step-unbind-qq').focus();
    await searchFor(page, '手机号');
    assert.ok(await page.locator('#search-input').evaluate((node) => node === document.activeElement));
    assert.equal(await page.locator('#step-unbind-qq').isChecked(), false, '/ did not tick the step');
    await page.evaluate(() => { window.samePage = true; });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#unbind-phone');
    assert.equal(await page.evaluate(() => window.samePage), true, 'no reload');
    assert.ok(await page.locator('#search-panel').isHidden(), 'the list closed');
    assert.ok(await page.locator('#unbind-phone').isVisible());
    assertClean(log);
    await context.close();
  });

  test('/ typed into another field stays there', async () => {
    const { context, page } = await openPage(browser, server.url + SECTION);
    await page.locator('#search-input').focus();
    await page.keyboard.type('a/b');
    assert.equal(await page.inputValue('#search-input'), 'a/b');
    await context.close();
  });
});

describe('light and everywhere', () => {
  test('nothing of the search loads until the reader starts', async () => {
    const local = await serve(site);
    const { context, page, log } = await openPage(browser, local.url + GUIDE);
    assert.deepEqual(
      local.requests.filter((p) => p.includes('/search/')),
      [],
      'no index or engine on page load',
    );
    const loader = fs.statSync(path.join(site, 'assets/search.js')).size;
    assert.ok(loader < 4096, `the loader is small (${loader} bytes)`);
    await page.locator('#search-input').focus();
    // The engine replaces the queue with its receiver, then asks for the index.
    await page.waitForFunction(() => self.offboardSearch && !Array.isArray(self.offboardSearch));
    await page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/search/index.js')),
    );
    assert.ok(local.requests.some((p) => p.endsWith('/assets/search/engine.js')), 'engine loads on focus');
    assert.ok(local.requests.some((p) => p.endsWith('/search/index.js')), 'then the index');
    assert.ok(!local.requests.some((p) => /\/search\/[st]\d+\.js$/.test(p)), 'shards wait for a query');
    assertClean(log);
    await context.close();
    await local.close();
  });

  test('works from file://', async () => {
    const { context, page, log } = await openPage(browser, fileUrl(site, SECTION));
    await searchFor(page, '手机号');
    const found = await results(page);
    assert.equal(found[0].href, fileUrl(site, 'before-leaving/unbind-contacts/index.html') + '#unbind-phone');
    await page.locator('#search-listbox [role="option"]').first().click();
    await page.waitForURL(/unbind-contacts\/index\.html#unbind-phone$/);
    assert.ok(await page.locator('#unbind-phone').isVisible());
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('works from a sub-path', async () => {
    const parent = tempDir();
    const nested = buildSite({ output: path.join(parent, 'docs', 'offboarding') });
    const local = await serve(parent);
    const base = local.url + 'docs/offboarding/';
    assert.ok(fs.existsSync(path.join(nested, 'search/index.js')));
    const { context, page, log } = await openPage(browser, base + GUIDE);
    await searchFor(page, '找回账号');
    const found = await results(page);
    assert.equal(found[0].href, base + 'after-leaving/recover-account/index.html');
    assertClean(log);
    await context.close();
    await local.close();
  });

  test('no serious axe-core findings with results open', async () => {
    const { context, page } = await openPage(browser, server.url + SECTION, { bypassCSP: true });
    await searchFor(page, '手机号');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await context.close();
  });

  test('dark scheme and a phone-sized screen keep the panel on screen', async () => {
    const { context, page, log } = await openPage(browser, server.url + GUIDE, {
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
    });
    await searchFor(page, '注销子账号');
    const panel = await page.locator('#search-panel').boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390, 'within the screen width');
    assertClean(log);
    await context.close();
  });
});
