// The Nu Html Checker finds no error in the pages of a site whose file and
// folder names hold spaces, `#`, `?`, `%`, colons (`javascript:alert(1).md`,
// `faq:general.md`) and Chinese (tests/fixtures/hostile-names.json), nor in
// the bundled guide's, with edit links and last-updated dates. Every href and src must be a valid URL and every id
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

/** Makes `root` a git checkout with everything in one commit of a fixed date. */
function commitAll(root) {
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: '2026-12-05T10:00:00+08:00',
    GIT_COMMITTER_DATE: '2026-12-05T10:00:00+08:00',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const identity = ['-c', 'user.name=Tester', '-c', 'user.email=tester@example.com', '-c', 'commit.gpgsign=false'];
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'site']]) {
    const run = spawnSync('git', [...identity, ...args], { cwd: root, env, encoding: 'utf8' });
    assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  }
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
  // With an edit link on every page and, committed to git, a last-updated
  // date: their markup is checked too.
  const root = writeSite({
    ...fixture.files,
    'site.toml': `edit_url = "https://git.example.com/guide/edit/main/content/"\n${fixture.files['site.toml']}`,
  });
  commitAll(root);
  const hostile = buildSite({ root });
  const pages = htmlFiles(hostile);
  for (const page of ['javascript:alert(1)/index.html', 'a b#c?d%e/x y/index.html', '指南/页 一/index.html', 'k:v/p q/index.html']) {
    assert.ok(pages.includes(path.join(hostile, page)), `${page} was not written`);
  }
  const odd = fs.readFileSync(path.join(hostile, 'a b#c?d%e/x y/index.html'), 'utf8');
  assert.match(odd, /<time datetime="2026-12-05T10:00:00\+08:00">5 December 2026<\/time>/);
  assert.ok(odd.includes('href="https://git.example.com/guide/edit/main/content/a%20b%23c%3Fd%25e/x%20y.md"'), odd);
  const guide = buildSite();
  const { status, report } = nuErrors([...pages, ...htmlFiles(guide)]);
  assert.equal(report, '');
  assert.equal(status, 0);
});
