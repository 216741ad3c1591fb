// Save-to-visible benchmark (issue 13, item 2): the time from writing a page's
// source to the changed text being visible in a page open in Debian's
// Chromium, for `offboard-site serve` and for `hugo server` on the same
// corpus, in one run, alternating. Not a test; run by hand:
//
//   cargo build --release
//   node tests/browser/bench-serve.mjs [--edits 10] [--pause 1.0]
//        [--corpus ../bench-shared/corpus-10000] [--binary target/release/offboard-site]
//
// The corpus's `offboard/` and `hugo/` sites (from ../shared/bench/gen_corpus.py)
// are copied to a temporary folder first; the originals are never touched.
// Both servers start on free ports and the first page of the first section
// (`s000/p00`) is opened in each, in its own browser context. Two kinds of
// edit, each `--edits` times per server, alternating server and kind:
//   - body: a paragraph with a new marker is appended to the open page;
//   - title: the title of the next page of the section (`s000/p01`) gets a
//     new marker; the open page shows it in its sidebar (both sites list a
//     section's pages there).
// The clock starts when the file is written (the whole file at once, as an
// editor saves) and stops at the first animation frame after the marker is
// in the open page's DOM (a MutationObserver installed before any page
// script, so it also sees a page that reloads); both clocks are the
// machine's (`performance.timeOrigin + performance.now()`). `--pause` is
// the time between edits. Prints the median, minimum and maximum per
// server and kind, and how many of ours were patched in place (no reload).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { launch, newContext, repoRoot, tempDir } from './support.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((pair) => pair.trim().split(/\s+/)),
);
const edits = Number(args.edits || 10);
const pause = Number(args.pause || 1.0) * 1000;
const corpus = path.resolve(repoRoot, args.corpus || '../bench-shared/corpus-10000');
const binary = path.resolve(repoRoot, args.binary || 'target/release/offboard-site');
const OPEN_PAGE = 's000/p00';
const TITLE_PAGE = 's000/p01';
const TIMEOUT_MS = 15000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts a server; resolves when its output matches `ready`. */
function start(command, argv, ready, timeout = 300000) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    process.on('exit', () => child.kill());
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${log}`)), timeout);
    const read = (chunk) => {
      log += chunk;
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', read);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}):\n${log}`)));
  });
}

// Runs in every document of the benchmark's tabs before their scripts: when
// the marker in sessionStorage appears in the DOM, notes the time of the
// next animation frame; counts the documents loaded.
function watcher() {
  sessionStorage.setItem('benchLoads', String(Number(sessionStorage.getItem('benchLoads') || 0) + 1));
  const shows = (node, marker) => (node.textContent || '').includes(marker);
  const seen = () => {
    requestAnimationFrame(() => sessionStorage.setItem('benchSeen', String(performance.timeOrigin + performance.now())));
    sessionStorage.removeItem('benchMarker');
  };
  new MutationObserver((records) => {
    const marker = sessionStorage.getItem('benchMarker');
    if (!marker) return;
    for (const record of records) {
      if (record.type === 'characterData' ? shows(record.target, marker) : [...record.addedNodes].some((node) => shows(node, marker))) {
        seen();
        return;
      }
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

/** One server's site copy, open tab and edits. */
async function open(browser, name, url, site) {
  const { context } = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  await context.addInitScript(watcher);
  const tab = await context.newPage();
  await tab.goto(url, { timeout: 120000 });
  await tab.waitForTimeout(1000);
  const source = (page) => path.join(site, 'content', `${page}.md`);
  return {
    name,
    tab,
    context,
    body: fs.readFileSync(source(OPEN_PAGE), 'utf8'),
    title: fs.readFileSync(source(TITLE_PAGE), 'utf8'),
    source,
    times: { body: [], title: [] },
  };
}

/** Waits until the tab noted the marker; returns when (ms since the epoch). */
async function seenAt(tab) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const seen = await tab.evaluate(() => sessionStorage.getItem('benchSeen'));
      if (seen) return Number(seen);
    } catch {
      // The page is reloading: ask the new one.
    }
    await sleep(5);
  }
  throw new Error('the change never showed');
}

async function measure(server, kind, round) {
  const marker = `bench${kind}${round}x${server.name}`;
  await server.tab.evaluate((text) => {
    sessionStorage.removeItem('benchSeen');
    sessionStorage.setItem('benchMarker', text);
  }, marker);
  const [file, text] =
    kind === 'body'
      ? [server.source(OPEN_PAGE), `${server.body.trimEnd()}\n\nBench edit ${marker}.\n`]
      : [server.source(TITLE_PAGE), server.title.replace(/^title = "([^"]*)"/m, `title = "$1 ${marker}"`)];
  fs.writeFileSync(file, text);
  const written = now();
  const took = (await seenAt(server.tab)) - written;
  server.times[kind].push(took);
  return took;
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run \`cargo build --release\``);
  const copies = tempDir('offboard-bench-serve-');
  for (const site of ['offboard', 'hugo']) {
    fs.cpSync(path.join(corpus, site), path.join(copies, site), { recursive: true });
  }
  const ourRoot = path.join(copies, 'offboard');
  const hugoRoot = path.join(copies, 'hugo');
  const started = now();
  const ours = await start(binary, ['serve', '--port', '0', '--root', ourRoot], /at (http:\/\/[^\s]+\/)/);
  console.log(`offboard-site serve ready in ${((now() - started) / 1000).toFixed(1)} s`);
  const hugoPort = await freePort();
  const hugoStarted = now();
  const hugo = await start(
    'hugo',
    ['server', '--source', hugoRoot, '--bind', '127.0.0.1', '--port', String(hugoPort), '--baseURL', `http://localhost:${hugoPort}/`],
    /Web Server is available at (http:\/\/[^\s]+)/,
  );
  console.log(`hugo server ready in ${((now() - hugoStarted) / 1000).toFixed(1)} s`);
  const browser = await launch();
  try {
    const servers = [
      await open(browser, 'offboard', `${ours.match[1]}${OPEN_PAGE}/`, ourRoot),
      await open(browser, 'hugo', `http://localhost:${hugoPort}/${OPEN_PAGE}/`, hugoRoot),
    ];
    for (let round = 1; round <= edits; round += 1) {
      // Alternate which server goes first, and the kinds.
      const order = round % 2 ? servers : [...servers].reverse();
      for (const kind of round % 2 ? ['body', 'title'] : ['title', 'body']) {
        for (const server of order) {
          const took = await measure(server, kind, round);
          console.log(`round ${round} ${server.name} ${kind}: ${took.toFixed(1)} ms`);
          await sleep(pause);
        }
      }
    }
    const loads = await servers[0].tab.evaluate(() => Number(sessionStorage.getItem('benchLoads')));
    const hugoLoads = await servers[1].tab.evaluate(() => Number(sessionStorage.getItem('benchLoads')));
    console.log('\n| server | edit | median | min | max | saves |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const kind of ['body', 'title']) {
      for (const server of servers) {
        const list = server.times[kind];
        const cell = (value) => `${value.toFixed(1)} ms`;
        console.log(
          `| ${server.name === 'hugo' ? 'hugo server' : 'offboard-site serve'} | ${kind} | ${cell(median(list))} | ${cell(Math.min(...list))} | ${cell(Math.max(...list))} | ${list.length} |`,
        );
      }
    }
    console.log(`\npage loads in the open tab: offboard-site ${loads} (1 = every edit patched in place), hugo ${hugoLoads}`);
  } finally {
    await browser.close();
    ours.child.kill();
    hugo.child.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
