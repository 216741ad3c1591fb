// `offboard-site serve` in a real browser: a save of a page patches the open
// page in place (no navigation: a mark set on `window` survives), keeping
// its scroll position, focus, open panels and the reader's ticks, and a
// title edit updates the sidebar the same way; a stylesheet edit is swapped
// in without a reload; when a patch cannot show the change (a template
// changed, the page was deleted) the page reloads, keeping its scroll
// position; a broken save shows the error overlay (file, line, message,
// hint) that the fix clears.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { binary, launch, newContext, repoRoot, waitReady, watch, writeSite } from './support.mjs';

const longBody = Array.from({ length: 120 }, (_, i) => `Paragraph ${i + 1} of a long page.`).join('\n\n');
const page = (title, body) => `+++\ntitle = "${title}"\n+++\n\n${body}\n`;
const stepsPage = (title, firstStep, extra = '') =>
  `+++\ntitle = "${title}"\nrole = "employee"\nphase = "before"\n+++\n\n## Steps\n\n` +
  `- [ ] ${firstStep} {#return-laptop}\n- [ ] Hand over the account {#hand-over}\n\n## Notes\n\n${longBody}\n${extra}`;

let root;
const servers = [];
let base;
let browser;

/** Starts `serve --port 0` and resolves to its URL. */
function startServe(siteRoot) {
  return new Promise((resolve, reject) => {
    const serveProcess = spawn(binary, ['serve', '--port', '0', '--root', siteRoot], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    servers.push(serveProcess);
    // Never leave the server running, even when a test run is cut short.
    process.on('exit', () => serveProcess.kill());
    let log = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30000);
    serveProcess.stderr.setEncoding('utf8');
    serveProcess.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /at (http:\/\/[^\s]+\/)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    serveProcess.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${log}`)));
  });
}

before(async () => {
  root = writeSite({
    'content/_index.md': page('Home', 'Welcome.'),
    'content/long.md': page('A long page', longBody),
    'content/steps.md': stepsPage('Steps page', 'Return the laptop'),
    'content/other.md': page('Other page', 'Another page.'),
    'content/gone.md': page('Doomed page', longBody),
    'themes/default/static/extra.css': 'body { --serve-test: 1; }\n',
  });
  base = await startServe(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.kill();
});

const write = (relative, text) => fs.writeFileSync(path.join(root, relative), text);

/** Opens `path` of the served site in a new tab; resolves to the tab and its log. */
async function open(path, options = { viewport: { width: 1200, height: 700 } }) {
  const { context, log } = await newContext(browser, options);
  const tab = await context.newPage();
  watch(tab, log);
  let navigations = 0;
  tab.on('framenavigated', (frame) => {
    if (frame === tab.mainFrame()) navigations += 1;
  });
  await tab.goto(base + path);
  await tab.evaluate(() => (window.beforeSave = true));
  // Let the live-reload stream connect before saving.
  await tab.waitForTimeout(300);
  return { context, tab, log, navigations: () => navigations };
}

const scrollY = (tab) => tab.evaluate(() => window.scrollY);

test('a body edit is patched in place, keeping scroll, focus, open panels and ticks', async () => {
  const { context, tab, log, navigations } = await open('steps/');
  await waitReady(tab);
  await tab.check('#step-return-laptop');
  await tab.evaluate(() => {
    document.querySelector('.toc-details').open = true;
    window.scrollTo(0, 1500);
    document.querySelector('#step-hand-over').focus({ preventScroll: true });
  });
  const before = await scrollY(tab);
  assert.ok(before > 1000, `scrolled: ${before}`);
  const pageRequests = [];
  tab.on('request', (request) => {
    if (new URL(request.url()).pathname === '/steps/') pageRequests.push(request.url());
  });
  write('content/steps.md', stepsPage('Steps page', 'Return the laptop', '\nA patched paragraph.\n'));
  await tab.waitForFunction(() => document.body.textContent.includes('A patched paragraph.'), null, {
    timeout: 10000,
  });
  assert.equal(await tab.evaluate(() => window.beforeSave), true, 'the same page, not a reload');
  assert.equal(navigations(), 1, 'no navigation');
  assert.deepEqual(pageRequests, [], 'the new HTML came with the event');
  assert.equal(await scrollY(tab), before);
  assert.equal(await tab.evaluate(() => document.activeElement?.id), 'step-hand-over');
  assert.equal(await tab.evaluate(() => document.querySelector('.toc-details').open), true);
  // The checklist applied itself to the patched page again.
  assert.equal(await tab.locator('#step-return-laptop').isChecked(), true);
  assert.equal(await tab.locator('#return-laptop.is-done').count(), 1);
  assert.match(await tab.locator('.progress-figure').innerText(), /1 of 2 steps done/);
  assert.equal(await tab.locator('.site-nav a[data-key="steps"] .nav-progress').count(), 1);
  assert.match(await tab.locator('.site-nav a[data-key="steps"] .nav-progress').innerText(), /1\/2/);
  assert.equal(await tab.locator('body > [role="status"]').count(), 1);
  assert.equal(await tab.locator('body.checklist-ready').count(), 1);
  // Ticking after the patch still counts, once.
  await tab.check('#step-hand-over');
  assert.match(await tab.locator('.progress-figure').innerText(), /All done · 2\/2/);
  await tab.uncheck('#step-hand-over');
  await tab.evaluate(() => window.scrollTo(0, 1500));

  // A step's own text changed: the checklist's step file ran again, and
  // the ticked step says it changed since it was ticked.
  write('content/steps.md', stepsPage('Steps page', 'Return the company laptop', '\nA patched paragraph.\n'));
  await tab.waitForFunction(() => document.body.textContent.includes('Return the company laptop'), null, {
    timeout: 10000,
  });
  await tab.locator('#return-laptop > .step-changed').waitFor({ timeout: 5000 });
  assert.equal(await tab.locator('#step-return-laptop').isChecked(), true);
  assert.equal(await tab.evaluate(() => window.beforeSave), true, 'still not reloaded');
  // The notice added above the view moves the page by its height (the
  // browser's scroll anchoring keeps what is in view where it was).
  const after = await scrollY(tab);
  assert.ok(Math.abs(after - before) < 100, `scroll ${before} -> ${after}`);
  assert.match(await tab.locator('.progress-figure').innerText(), /1 of 2 steps done/);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('on a site whose step lists are split by section, a step edit is patched in place too', async () => {
  // 3 × 7 × 100 = 2,100 steps: over the 2,000 where the step manifest is a
  // summary with each section's details in a script of its own.
  const files = { 'content/_index.md': page('Home', 'Welcome.') };
  const stepsOf = (name, p, first) =>
    `+++\ntitle = "${name} page ${p}"\nweight = ${p}\nphase = "before"\nrole = "employee"\n+++\n\n` +
    Array.from({ length: 100 }, (_, s) => `- [ ] ${s === 0 ? first : `Do ${name} ${p}.${s}`} {#s${s}}`).join('\n') +
    '\n';
  for (const name of ['alpha', 'beta', 'gamma']) {
    files[`content/${name}/_index.md`] = page(`Part ${name}`, `About ${name}.`);
    for (let p = 1; p <= 7; p += 1) files[`content/${name}/p${p}.md`] = stepsOf(name, p, `Do ${name} ${p}.0`);
  }
  const large = writeSite(files);
  const largeBase = await startServe(large);
  const { context, log } = await newContext(browser);
  const tab = await context.newPage();
  watch(tab, log);
  await tab.goto(largeBase + 'alpha/p1/');
  await waitReady(tab);
  assert.ok(await tab.evaluate(() => Array.isArray(window.offboardManifest.parts)), 'a split manifest');
  await tab.check('#step-s0');
  await tab.evaluate(() => (window.beforeSave = true));
  await tab.waitForTimeout(300);
  fs.writeFileSync(path.join(large, 'content/alpha/p1.md'), stepsOf('alpha', 1, 'Do the first thing of alpha'));
  await tab.waitForFunction(() => document.body.textContent.includes('Do the first thing of alpha'), null, {
    timeout: 15000,
  });
  await tab.locator('#s0 > .step-changed').waitFor({ timeout: 5000 });
  assert.equal(await tab.locator('#step-s0').isChecked(), true);
  assert.equal(await tab.evaluate(() => window.beforeSave), true, 'not reloaded');
  assert.match(await tab.locator('.progress-figure').innerText(), /1 of 100 steps done/);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a title edit updates the page and the sidebar in place', async () => {
  const { context, tab, log, navigations } = await open('long/');
  await tab.evaluate(() => window.scrollTo(0, 1500));
  const before = await scrollY(tab);
  write('content/other.md', page('Other page, renamed', 'Another page.'));
  await tab.waitForFunction(() => document.querySelector('.site-nav')?.textContent.includes('Other page, renamed'), null, {
    timeout: 10000,
  });
  write('content/long.md', page('A long page, edited', longBody));
  await tab.waitForFunction(() => document.querySelector('h1')?.textContent.includes('edited'), null, { timeout: 10000 });
  assert.match(await tab.title(), /A long page, edited/);
  assert.match(await tab.locator('.site-nav').innerText(), /A long page, edited/);
  assert.equal(await tab.evaluate(() => window.beforeSave), true, 'not reloaded');
  assert.equal(navigations(), 1);
  assert.equal(await scrollY(tab), before);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a template edit reloads the page, keeping its scroll position', async () => {
  const { context, tab, log } = await open('long/', { viewport: { width: 900, height: 600 } });
  await tab.evaluate(() => window.scrollTo(0, 1500));
  const template = fs.readFileSync(path.join(repoRoot, 'themes/default/templates/page.html'), 'utf8');
  fs.mkdirSync(path.join(root, 'themes/default/templates'), { recursive: true });
  const reloaded = tab.waitForEvent('load', { timeout: 10000 });
  write(
    'themes/default/templates/page.html',
    `${template}\n{% block content %}{{ super() }}<p class="from-template">From the template.</p>{% endblock content %}\n`,
  );
  await reloaded;
  await tab.locator('.from-template').waitFor({ timeout: 10000 });
  assert.equal(await tab.evaluate(() => window.beforeSave), undefined, 'a fresh page');
  await tab.waitForFunction(() => Math.abs(window.scrollY - 1500) < 50, null, { timeout: 5000 });
  assert.deepEqual(log.errors, []);
  fs.rmSync(path.join(root, 'themes'), { recursive: true });
  fs.mkdirSync(path.join(root, 'themes/default/static'), { recursive: true });
  write('themes/default/static/extra.css', 'body { --serve-test: 1; }\n');
  // Let the server finish with the restored theme before the next test
  // opens a page, or its reload lands in the middle of that test. (These
  // waits run again after each navigation.)
  await tab.locator('.from-template').waitFor({ state: 'detached', timeout: 10000 });
  await tab.waitForFunction(
    () => getComputedStyle(document.body).getPropertyValue('--serve-test').trim() === '1',
    null,
    { timeout: 10000 },
  );
  await context.close();
});

test('a deleted page reloads into the site\'s 404 page', async () => {
  const { context, tab } = await open('gone/');
  const reloaded = tab.waitForEvent('load', { timeout: 10000 });
  fs.rmSync(path.join(root, 'content/gone.md'));
  await reloaded;
  await tab.waitForFunction(() => !document.body.textContent.includes('Doomed page'), null, { timeout: 5000 });
  assert.equal(await tab.evaluate(() => window.beforeSave), undefined, 'a fresh page');
  await context.close();
});

test('a page opened before it existed reloads into the page once it is written', async () => {
  const { context, tab, log } = await open('later/');
  assert.doesNotMatch(await tab.locator('body').innerText(), /Later page/);
  const reloaded = tab.waitForEvent('load', { timeout: 10000 });
  write('content/later.md', page('Later page', 'Written after the tab was opened.'));
  await reloaded;
  await tab.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Later page'), null, {
    timeout: 5000,
  });
  // Its stylesheets and links resolve from its own address, not the 404 page's.
  assert.ok(await tab.evaluate(() => !document.querySelector('base')), 'no <base> of the 404 page');
  // The only error is the browser's note of the first answer's 404.
  assert.deepEqual(log.errors.filter((error) => !error.includes('404')), []);
  await context.close();
});

test('a stylesheet edit is swapped in without a reload', async () => {
  const { context } = await newContext(browser);
  const tab = await context.newPage();
  await tab.goto(base);
  const value = () =>
    tab.evaluate(() => getComputedStyle(document.body).getPropertyValue('--serve-test').trim());
  assert.equal(await value(), '1');
  await tab.evaluate(() => (window.stillHere = true));
  await tab.waitForTimeout(300);
  write('themes/default/static/extra.css', 'body { --serve-test: 2; }\n');
  await tab.waitForFunction(
    () => getComputedStyle(document.body).getPropertyValue('--serve-test').trim() === '2',
    null,
    { timeout: 10000 },
  );
  assert.equal(await tab.evaluate(() => window.stillHere), true, 'not reloaded');
  await context.close();
});

test('a broken save shows the error over the page; the fix clears it', async () => {
  const { context } = await newContext(browser);
  const tab = await context.newPage();
  await tab.goto(base);
  await tab.waitForTimeout(300);
  write('content/_index.md', '+++\ntitel = "Home"\n+++\n\nWelcome.\n');
  const overlay = tab.locator('#offboard-serve-overlay');
  await overlay.waitFor({ timeout: 10000 });
  const text = await overlay.innerText();
  assert.match(text, /content\/_index\.md:2:1/);
  assert.match(text, /titel/);
  assert.match(text, /hint: /);
  // The last good page is still what is shown underneath.
  assert.match(await tab.locator('h1').innerText(), /Home/);

  // A page opened while the build is broken shows the error too.
  const late = await context.newPage();
  await late.goto(base + 'long/');
  await late.locator('#offboard-serve-overlay').waitFor({ timeout: 10000 });
  await late.close();

  await tab.evaluate(() => (window.beforeFix = true));
  write('content/_index.md', page('Home', 'Welcome back.'));
  await tab.waitForFunction(() => document.body.textContent.includes('Welcome back.'), null, { timeout: 10000 });
  assert.equal(await overlay.count(), 0);
  assert.equal(await tab.evaluate(() => window.beforeFix), true, 'patched in place');
  await context.close();
});
