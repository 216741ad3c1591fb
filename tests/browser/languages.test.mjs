// Two content languages read in a real browser (issue 16): the switcher
// opens the same page in the other language and the reader's ticks and
// answers come along (one storage key, steps matched by id), over HTTP with
// a strict CSP and from file://; search in each language finds its own
// words; an untranslated page says so; axe-core finds nothing serious on an
// English page. Uses the bilingual fixture site (tests/fixtures/languages).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
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
  waitReady,
} from './support.mjs';

let output;
let server;
let browser;

before(async () => {
  output = buildSite({ root: path.join(repoRoot, 'tests/fixtures/languages') });
  server = await serve(output);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const url = (relative) => server.url + relative;
const step = (page, id) => page.locator(`#${id} .step-check`);

/** Asserts that nothing went wrong on the page and nothing left the machine. */
function assertClean(log) {
  assert.deepEqual(log.errors, [], 'no console errors (a CSP violation is one)');
  assert.deepEqual(log.failed, [], 'no failed requests');
  assert.deepEqual(log.foreign, [], 'no requests to other hosts');
}

/** Follows the header's switcher link to `tag` and waits for the checklist. */
async function switchTo(page, tag) {
  const link = page.locator(`header a[hreflang="${tag}"]`);
  assert.equal(await link.getAttribute('lang'), tag);
  await Promise.all([page.waitForURL(/index\.html/), link.click()]);
  await waitReady(page);
}

/** Types a query with `/` and waits until its results (or "no match") show. */
async function searchFor(page, query) {
  if (await page.locator('#search-input').isVisible()) {
    await page.fill('#search-input', '');
    await page.locator('#search-input').blur();
  }
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.waitForFunction(
    (q) => document.getElementById('search')?.dataset.shown === q,
    query,
    { timeout: 5000 },
  );
  return page.$$eval('#search-listbox [role="option"]', (options) => options.map((o) => o.href));
}

describe('the language switcher', () => {
  test('keeps ticks and answers, both ways, under a strict CSP', async () => {
    const { context, page, log } = await openPage(browser, url('guide/unbind/index.html'));
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByRole('radio', { name: '子账号' }).check();
    await step(page, 'unbind-email').check();

    await switchTo(page, 'en');
    assert.equal(new URL(page.url()).pathname, '/en/guide/unbind/index.html');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'Unbind contact details');
    assert.equal(await step(page, 'unbind-email').isChecked(), true, 'the tick came along');
    assert.equal(await page.getByRole('radio', { name: 'Sub-account' }).isChecked(), true, 'the answer came along');
    assert.equal(await step(page, 'unbind-phone').isChecked(), false);

    // Ticked in English, seen in Chinese.
    await step(page, 'unbind-email').uncheck();
    await page.getByRole('radio', { name: 'Main account' }).check();
    await switchTo(page, 'zh-CN');
    assert.equal(new URL(page.url()).pathname, '/guide/unbind/index.html');
    assert.equal(await step(page, 'unbind-email').isChecked(), false);
    assert.equal(await page.getByRole('radio', { name: '主账号' }).isChecked(), true);
    assertClean(log);
    await context.close();
  });

  test('an untranslated page is the original, marked, and switches back', async () => {
    const { context, page, log } = await openPage(browser, url('guide/cancel/index.html'));
    await step(page, 'cancel-request').check();
    await switchTo(page, 'en');
    const note = page.getByRole('note');
    assert.match(await note.innerText(), /This page has not been translated yet/);
    assert.equal(await page.locator('.prose').getAttribute('lang'), 'zh-CN');
    assert.equal(await step(page, 'cancel-request').isChecked(), true);
    // Interface words are English even here.
    assert.match(await page.locator('header').innerText(), /Checklist/);
    await switchTo(page, 'zh-CN');
    assert.equal(new URL(page.url()).pathname, '/guide/cancel/index.html');
    assertClean(log);
    await context.close();
  });

  test('works without JavaScript: it is a plain link', async () => {
    const { context, page } = await openPage(browser, url('index.html'), { javaScriptEnabled: false });
    await Promise.all([page.waitForURL(/en\/index\.html/), page.locator('header a[hreflang="en"]').click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'Home');
    await context.close();
  });

  test('works from file://, keeping the ticks', async () => {
    const { context, page, log } = await openPage(browser, fileUrl(output, 'en/guide/unbind/index.html'));
    await step(page, 'unbind-phone').check();
    await switchTo(page, 'zh-CN');
    assert.match(page.url(), /^file:.*\/guide\/unbind\/index\.html$/);
    assert.doesNotMatch(page.url(), /\/en\//);
    assert.equal(await step(page, 'unbind-phone').isChecked(), true);
    assert.deepEqual(log.errors, []);
    await context.close();
  });
});

describe('search per language', () => {
  test('each language finds its own words and links to its own pages', async () => {
    const { context, page, log } = await openPage(browser, url('index.html'));
    const zh = await searchFor(page, '邮箱');
    assert.ok(zh.length > 0, 'a Chinese match');
    assert.ok(zh.every((href) => !href.includes('/en/')), zh.join());
    assert.deepEqual(await searchFor(page, 'email'), [], 'no English words in the Chinese index');

    await page.goto(url('en/index.html'));
    await waitReady(page);
    const en = await searchFor(page, 'email');
    assert.ok(en.length > 0, 'an English match');
    assert.ok(en.every((href) => href.includes('/en/guide/unbind/')), en.join());
    assertClean(log);
    await context.close();
  });
});

describe('validity', () => {
  test('the Nu Html Checker finds no error in either language', () => {
    const require = createRequire(import.meta.url);
    const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
    const pages = fs
      .readdirSync(output, { recursive: true })
      .filter((name) => name.endsWith('.html'))
      .map((name) => path.join(output, name));
    assert.ok(pages.some((page) => page.includes(`${path.sep}en${path.sep}`)), 'English pages checked');
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', ...pages], { encoding: 'utf8' });
    assert.equal((run.stderr + run.stdout).trim(), '');
    assert.equal(run.status, 0);
  });
});

describe('accessibility', () => {
  test('axe-core finds nothing serious or critical on English pages', async () => {
    for (const relative of ['en/guide/unbind/index.html', 'en/guide/cancel/index.html', 'en/checklist/index.html']) {
      const { context, page } = await openPage(browser, fileUrl(output, relative));
      assert.deepEqual(await seriousAxeViolations(page), [], relative);
      await context.close();
    }
  });
});
