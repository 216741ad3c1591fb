// Shared helpers for the browser tests (`node --test tests/browser/`).
//
// A test builds a site with the debug binary, serves it on 127.0.0.1 with a
// strict Content-Security-Policy, and drives Debian's Chromium through
// playwright-core. Every page opened through `openPage` records console
// errors and warnings, uncaught exceptions, failed requests and requests to
// any host other than the local server, so a test can assert that the
// reader's progress never leaves the browser.
//
//   import { buildSite, serve, launch, openPage } from './support.mjs';
//   const out = buildSite();                  // the bundled guide
//   const server = await serve(out);          // http://127.0.0.1:PORT/
//   const browser = await launch();
//   const { page, log } = await openPage(browser, server.url + 'index.html');
//   ...
//   assert.deepEqual(log.errors, []);
//   await browser.close(); await server.close();
//
// Run `cargo build` first: the tests use target/debug/offboard-site.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The binary under test. */
export const binary = path.join(repoRoot, 'target', 'debug', 'offboard-site');

/** The Chromium the tests drive (Debian's package `chromium`). */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A new empty temporary folder, removed when the process exits. */
export function tempDir(prefix = 'offboard-browser-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes a site from `{ 'relative/path': 'text' }` into a temporary folder
 * and returns its root. Without a `site.toml` entry a small English one with
 * two roles and two phases is used.
 */
export function writeSite(files) {
  const root = tempDir('offboard-site-');
  const all = {
    'site.toml':
      'title = "Test guide"\nlanguage = "en"\n' +
      '[[roles]]\nid = "employee"\nlabel = "Employee"\n[[roles]]\nid = "admin"\nlabel = "Admin"\n' +
      '[[phases]]\nid = "before"\nlabel = "Before leaving"\n[[phases]]\nid = "after"\nlabel = "After leaving"\n',
    ...files,
  };
  for (const [relative, text] of Object.entries(all)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return root;
}

/**
 * Builds the site at `root` (default: the bundled guide) into `output`
 * (default: a new temporary folder) and returns the output folder.
 */
export function buildSite({ root = repoRoot, output = tempDir() } = {}) {
  if (!fs.existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`cargo build\` before the browser tests`);
  }
  const run = spawnSync(binary, ['build', '--quiet', '--root', root, '--output', output], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(`offboard-site build failed (${run.status}):\n${run.stderr}`);
  }
  return output;
}

/** Content types the static server knows. */
export const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves the folder `dir` on 127.0.0.1 (a free port) like a static host:
 * folder URLs get their `index.html`, unknown paths `404.html` with status
 * 404, and every response the header `Content-Security-Policy: csp`.
 * Resolves to `{ url, requests, close }`; `url` ends in `/`, `requests`
 * lists every path asked for.
 */
export async function serve(dir, { csp = "script-src 'self'" } = {}) {
  const requests = [];
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    requests.push(pathname);
    let file = path.join(dir, path.normalize(pathname));
    if (!file.startsWith(dir)) file = path.join(dir, '404.html');
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(dir, '404.html');
    }
    const headers = {
      'Content-Type': contentTypes[path.extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store',
    };
    if (csp) headers['Content-Security-Policy'] = csp;
    response.writeHead(status, headers);
    response.end(fs.existsSync(file) ? fs.readFileSync(file) : '');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/** Launches headless Chromium with no background traffic of its own. */
export function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const transparentPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * A new browser context whose requests to other hosts never leave the
 * machine: they are recorded in `log.foreign` (`{ url, type }`) and
 * answered locally (images with a 1×1 PNG, the rest with 204), so content
 * images hosted elsewhere neither fail nor hang. `options` go to
 * `browser.newContext` (e.g. `{ javaScriptEnabled: false }`,
 * `{ colorScheme: 'dark' }`, a viewport, `{ bypassCSP: true }`).
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...options });
  const log = { foreign: [] };
  await context.route(
    (url) => !['127.0.0.1', 'localhost', ''].includes(url.hostname),
    (route) => {
      const request = route.request();
      log.foreign.push({ url: request.url(), type: request.resourceType() });
      if (request.resourceType() === 'image') {
        return route.fulfill({ status: 200, contentType: 'image/png', body: transparentPng });
      }
      return route.fulfill({ status: 204, body: '' });
    },
  );
  return { context, log };
}

/**
 * Starts recording a page's console errors and warnings, uncaught
 * exceptions and failed requests into `log` (which is returned).
 */
export function watch(page, log = {}) {
  Object.assign(log, { errors: [], warnings: [], failed: [] }, log.foreign ? {} : { foreign: [] });
  page.on('console', (message) => {
    if (message.type() === 'error') log.errors.push(message.text());
    if (message.type() === 'warning') log.warnings.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    log.failed.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  return log;
}

/**
 * Opens `url` in a new context (see `newContext` for `options`) and waits
 * until the checklist script has set up the page (`body.checklist-ready`),
 * unless JavaScript is off or `ready: false`. Resolves to
 * `{ context, page, log }`.
 */
export async function openPage(browser, url, { ready = true, ...options } = {}) {
  const { context, log } = await newContext(browser, options);
  const page = await context.newPage();
  watch(page, log);
  await page.goto(url);
  if (ready && options.javaScriptEnabled !== false) await waitReady(page);
  return { context, page, log };
}

/** Waits for the checklist script to finish setting up the page. */
export function waitReady(page) {
  return page.waitForSelector('body.checklist-ready', { state: 'attached', timeout: 5000 });
}

/** The `file://` URL of a file in a built site. */
export function fileUrl(output, relative = 'index.html') {
  return pathToFileURL(path.join(output, relative)).href;
}

/** Path of the axe-core script, for `page.addScriptTag({ path })`. */
export const axePath = require.resolve('axe-core');

/**
 * Runs axe-core on the page and returns its violations of impact
 * `serious` or `critical`, as `{ id, impact, help, targets }`. The page's
 * CSP must allow the injected script: open it from `file://` or in a
 * context with `bypassCSP: true`.
 */
export async function seriousAxeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
