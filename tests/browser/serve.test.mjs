// `offboard-site serve` in a real browser: an open page reloads by itself
// after a save and keeps its scroll position, a stylesheet edit is swapped
// in without a reload, and a broken save shows the error overlay (file,
// line, message, hint) that the fix clears.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { binary, launch, newContext, watch, writeSite } from './support.mjs';

const longBody = Array.from({ length: 120 }, (_, i) => `Paragraph ${i + 1} of a long page.`).join('\n\n');
const page = (title, body) => `+++\ntitle = "${title}"\n+++\n\n${body}\n`;

let root;
let serveProcess;
let base;
let browser;

/** Starts `serve --port 0` and resolves to its URL. */
function startServe(siteRoot) {
  return new Promise((resolve, reject) => {
    serveProcess = spawn(binary, ['serve', '--port', '0', '--root', siteRoot], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
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
    'themes/default/static/extra.css': 'body { --serve-test: 1; }\n',
  });
  base = await startServe(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  serveProcess?.kill();
});

const write = (relative, text) => fs.writeFileSync(path.join(root, relative), text);

test('an open page reloads by itself after a save, keeping its scroll position', async () => {
  const { context, log } = await newContext(browser, { viewport: { width: 900, height: 600 } });
  const tab = await context.newPage();
  watch(tab, log);
  await tab.goto(base + 'long/');
  assert.match(await tab.locator('h1').innerText(), /A long page/);
  await tab.evaluate(() => window.scrollTo(0, 1500));
  await tab.evaluate(() => (window.beforeSave = true));
  // Let the live-reload stream connect before saving.
  await tab.waitForTimeout(300);
  const reloaded = tab.waitForEvent('load', { timeout: 10000 });
  write('content/long.md', page('A long page, edited', longBody));
  await reloaded;
  await tab.waitForFunction(() => document.querySelector('h1')?.textContent.includes('edited'));
  assert.equal(await tab.evaluate(() => window.beforeSave), undefined, 'a fresh page');
  await tab.waitForFunction(() => Math.abs(window.scrollY - 1500) < 50, null, { timeout: 5000 });
  assert.deepEqual(log.errors, []);
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

  const reloaded = tab.waitForEvent('load', { timeout: 10000 });
  write('content/_index.md', page('Home', 'Welcome back.'));
  await reloaded;
  await tab.waitForFunction(() => document.body.textContent.includes('Welcome back.'));
  assert.equal(await overlay.count(), 0);
  await context.close();
});
