// Reader performance benchmark (issue 13): what a reader's browser spends on
// a page, measured in Debian's Chromium, side by side in one run with a
// trivial page and Hugo's page of the same corpus. Not a test; run by hand:
//
//   cargo build --release
//   node tests/browser/bench-reader.mjs [--runs 5] [--corpus bench-out/corpus-10000]
//                                       [--binary target/release/offboard-site]
//
// For each page it opens a fresh browser context at 390×844 (a phone), with
// and without 4× CPU throttling (CDP `Emulation.setCPUThrottlingRate`), and
// records:
//   - load: `loadEventEnd` of the navigation, in ms;
//   - script: main-thread script time (CDP `Performance.getMetrics`
//     `ScriptDuration`) until the page has settled, in ms;
//   - CLS: cumulative layout shift (`layout-shift` entries without recent
//     input) until then;
//   - first step: the top of the first step (ours: `li.step`; Hugo: the
//     first task-list item) in CSS pixels from the top of the page; a phone
//     shows it without scrolling when it is below 844 minus its height.
// Pages: the bundled guide's unbinding page and its overview, the same kinds
// on the 10k corpus (`scripts/bench.py` caches it under bench-out/; it is
// generated here when missing), Hugo's build of the corpus page, and a
// trivial page. Runs alternate between pages; medians are reported. Pages
// are served from one local server (keep-alive, `no-store`, as in the
// tests); images on other hosts are answered locally with a 1×1 PNG.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { launch, newContext, repoRoot, serve, tempDir } from './support.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((pair) => pair.trim().split(/\s+/)),
);
const runs = Number(args.runs || 5);
const corpus = path.resolve(repoRoot, args.corpus || 'bench-out/corpus-10000');
const binary = path.resolve(repoRoot, args.binary || 'target/release/offboard-site');
const PHONE = { width: 390, height: 844 };
const SETTLE_MS = 1000;

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr || result.error}`);
  }
  return result.stdout;
}

/** Builds everything the pages need into one folder served at once. */
function prepare() {
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run \`cargo build --release\``);
  if (!fs.existsSync(path.join(corpus, 'offboard'))) {
    const generator = path.resolve(repoRoot, '../shared/bench/gen_corpus.py');
    const size = /corpus-(\d+)/.exec(corpus)?.[1] || '10000';
    run('python3', [generator, size, corpus]);
  }
  const root = tempDir('offboard-bench-reader-');
  run(binary, ['build', '--quiet', '--root', repoRoot, '--output', path.join(root, 'guide')]);
  run(binary, ['build', '--quiet', '--root', path.join(corpus, 'offboard'), '--output', path.join(root, 'ours')]);
  run('hugo', ['--quiet', '--source', path.join(corpus, 'hugo'), '--destination', path.join(root, 'hugo')]);
  fs.mkdirSync(path.join(root, 'trivial'));
  fs.writeFileSync(
    path.join(root, 'trivial', 'index.html'),
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Trivial</title><p>A trivial page.</p></html>\n',
  );
  return root;
}

/** The first corpus page with steps (the same path in our output and Hugo's). */
function corpusPage(root) {
  const section = fs.readdirSync(path.join(root, 'ours')).filter((name) => /^s\d+$/.test(name)).sort()[0];
  const page = fs
    .readdirSync(path.join(root, 'ours', section))
    .filter((name) => /^p\d+$/.test(name))
    .sort()[0];
  return `${section}/${page}/index.html`;
}

/** Counts layout shifts from the first paint on. */
function observeShifts() {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
}

async function measure(browser, url, throttle) {
  const { context } = await newContext(browser, { viewport: PHONE });
  await context.addInitScript(observeShifts);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS * throttle);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => metrics.find((m) => m.name === name)?.value || 0;
  const seen = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const step =
      document.querySelector('li.step') || document.querySelector('li input[type="checkbox"]')?.closest('li');
    return {
      load: nav.loadEventEnd,
      cls: window.__cls,
      step: step ? step.getBoundingClientRect().top + window.scrollY : null,
    };
  });
  await context.close();
  return { ...seen, script: metric('ScriptDuration') * 1000 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  const root = prepare();
  const inCorpus = corpusPage(root);
  const pages = {
    'guide page (bundled)': 'guide/before-leaving/unbind-contacts/index.html',
    'overview (bundled)': 'guide/checklist/index.html',
    'guide page (10k)': `ours/${inCorpus}`,
    'overview (10k)': 'ours/checklist/index.html',
    'Hugo page (10k)': `hugo/${inCorpus}`,
    'trivial page': 'trivial/index.html',
  };
  const server = await serve(root, { csp: "script-src 'self'" });
  const browser = await launch();
  const results = {};
  try {
    for (const throttle of [1, 4]) {
      for (let n = 0; n < runs; n += 1) {
        const order = Object.keys(pages);
        if (n % 2) order.reverse();
        for (const name of order) {
          const sample = await measure(browser, server.url + pages[name], throttle);
          ((results[throttle] ||= {})[name] ||= []).push(sample);
          process.stderr.write(`  ${throttle}× ${name} run ${n + 1}: load ${sample.load.toFixed(0)} ms\n`);
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  report(results, pages, inCorpus);
}

function report(results, pages, inCorpus) {
  const fmt = (value, digits = 0) => (value === null || Number.isNaN(value) ? '—' : value.toFixed(digits));
  console.log(`medians of ${runs} runs, fresh context each, 390×844; corpus page ${inCorpus}\n`);
  console.log('| page | CPU | load ms | script ms | CLS (max) | first step y |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const throttle of Object.keys(results)) {
    for (const name of Object.keys(pages)) {
      const samples = results[throttle][name];
      const steps = samples.map((s) => s.step).filter((y) => y !== null);
      console.log(
        `| ${name} | ${throttle}× | ${fmt(median(samples.map((s) => s.load)))} | ` +
          `${fmt(median(samples.map((s) => s.script)))} | ${fmt(Math.max(...samples.map((s) => s.cls)), 3)} | ` +
          `${steps.length ? fmt(median(steps)) : '—'} |`,
      );
    }
  }
  for (const throttle of Object.keys(results)) {
    const load = (name) => median(results[throttle][name].map((s) => s.load));
    console.log(
      `\n${throttle}×: 10k guide page ÷ bundled guide page (load) ${fmt(load('guide page (10k)') / load('guide page (bundled)'), 2)}` +
        ` (goal ≤ 1.2); 10k guide page ÷ Hugo page (load) ${fmt(load('guide page (10k)') / load('Hugo page (10k)'), 2)} (goal ≤ 2)`,
    );
  }
}

await main();
