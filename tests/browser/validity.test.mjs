// The Nu Html Checker finds no error in the pages of a site whose file and
// folder names hold spaces, `#`, `?`, `%`, colons (`javascript:alert(1).md`,
// `faq:general.md`) and Chinese (tests/fixtures/hostile-names.json), nor in
// the bundled guide's. Every href and src must be a valid URL and every id
// valid HTML; that each link also leads to a file is checked by
// tests/integration/urls.rs.
//
// The checker is vnu.jar from the npm package `vnu-jar`, run with the
// system's Java (scripts/test.sh installs `default-jre-headless` when
// `java` is missing).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

import { buildSite, repoRoot, writeSite } from './support.mjs';

const require = createRequire(import.meta.url);

/** vnu.jar, as the package ships it. */
const vnuJar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

/** Every `.html` file under `dir`. */
function htmlFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.html'))
    .map((name) => path.join(dir, name));
}

/** Runs the checker on `files`; returns its report of errors (empty if none). */
function nuErrors(files) {
  const run = spawnSync('java', ['-jar', vnuJar, '--errors-only', '--format', 'gnu', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw new Error(`cannot run java (scripts/test.sh installs it): ${run.error.message}`);
  return { status: run.status, report: (run.stderr + run.stdout).trim() };
}

test('the Nu Html Checker finds no error on a site with hostile file names, nor on the bundled guide', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/fixtures/hostile-names.json'), 'utf8'));
  const hostile = buildSite({ root: writeSite(fixture.files) });
  const pages = htmlFiles(hostile);
  for (const page of ['javascript:alert(1)/index.html', 'a b#c?d%e/x y/index.html', '指南/页 一/index.html', 'k:v/p q/index.html']) {
    assert.ok(pages.includes(path.join(hostile, page)), `${page} was not written`);
  }
  const guide = buildSite();
  const { status, report } = nuErrors([...pages, ...htmlFiles(guide)]);
  assert.equal(report, '');
  assert.equal(status, 0);
});
