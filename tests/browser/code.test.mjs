// Highlighted code blocks and their copy button, in Chromium, under the
// strict Content-Security-Policy the test server sends (script-src 'self')
// and from file://: the tokens carry the `hl-*` classes and the colours
// code.css gives them in light and dark; the copy button exists only with
// JavaScript, copies the block's exact text, says "已复制" in its status
// region, works from the keyboard; axe-core finds nothing serious (on a
// page that also holds the console-link and admonition shortcodes).

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
  seriousAxeViolations,
  serve,
  writeSite,
} from './support.mjs';

const SITE_TOML = `title = "代码测试"
language = "zh-CN"
[[roles]]
id = "employee"
label = "离职员工"
[[phases]]
id = "before"
label = "离职前"
`;

/** The code of each block, exactly as a reader should get it on copying. */
const BASH = 'export REGION="ap-guangzhou"  # 地域\ntccli cvm DescribeInstances --region "$REGION" | grep -c \'<b>&\'\n';
const TOML = '[site]\ntitle = "离职指南"\nsteps = 12\n';
const PLAIN = 'no highlighting <here> & "there"\n';

const PAGE = `+++
title = "命令"
role = "employee"
phase = "before"
+++

先设置地域，或 {{< console url="https://console.cloud.tencent.com/cvm" label="打开云服务器控制台" >}}：

{{< admonition kind="warning" title="先备份" >}}
以下命令**不可撤销**。
{{< /admonition >}}

\`\`\`bash
${BASH}\`\`\`

- [ ] 检查配置 {#check-config}

  \`\`\`toml
  ${TOML.trimEnd().split('\n').join('\n  ')}
  \`\`\`

\`\`\`nosuchlanguage
${PLAIN}\`\`\`
`;

const PAGE_URL = 'commands/index.html';

let output;
let server;
let browser;

before(async () => {
  const root = writeSite({
    'site.toml': SITE_TOML,
    'content/_index.md': '+++\ntitle = "首页"\n+++\n\n首页。\n',
    'content/commands.md': PAGE,
  });
  output = buildSite({ root });
  server = await serve(output);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** `#rrggbb` → `rgb(r, g, b)`, as getComputedStyle writes colours. */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** The colour code.css gives each `hl-*` class, light and dark. */
function paletteOf() {
  const css = fs.readFileSync(path.join(repoRoot, 'themes/default/static/code.css'), 'utf8');
  const [light, dark] = css.split('@media (prefers-color-scheme: dark)');
  const read = (part) =>
    Object.fromEntries(
      [...part.matchAll(/\.(hl-[a-z]+) \{ color: (#[0-9a-f]{6});/g)].map(([, name, hex]) => [
        name,
        rgb(hex),
      ]),
    );
  return { light: read(light), dark: read(dark) };
}

/** Every highlight class on the page with the computed colour of its first token. */
function tokenColours(page) {
  return page.evaluate(() => {
    const found = {};
    for (const span of document.querySelectorAll('.code-block pre code span[class^="hl-"]')) {
      if (!(span.className in found)) found[span.className] = getComputedStyle(span).color;
    }
    return found;
  });
}

/** Opens the page with clipboard access, as a reader's browser grants it on a click. */
async function openWithClipboard(url, options = {}) {
  const opened = await openPage(browser, url, {
    permissions: ['clipboard-read', 'clipboard-write'],
    ...options,
  });
  await opened.page.waitForSelector('.code-block .code-copy');
  return opened;
}

const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const clearClipboard = (page) => page.evaluate(() => navigator.clipboard.writeText(''));

function assertClean(log) {
  assert.deepEqual(log.errors, [], 'no console errors (a CSP refusal would be one)');
  assert.deepEqual(log.failed, []);
  assert.deepEqual(log.foreign, []);
}

describe('highlighted code', () => {
  for (const colorScheme of ['light', 'dark']) {
    test(`tokens have the classes and ${colorScheme} colours of code.css`, async () => {
      const palette = paletteOf()[colorScheme];
      assert.ok(Object.keys(palette).length >= 8, 'code.css colours the kinds');
      const { context, page, log } = await openPage(browser, server.url + PAGE_URL, {
        colorScheme,
      });
      const bash = page.locator('.code-block code.language-bash');
      assert.equal((await bash.locator('span.hl-c').first().textContent()).trim(), '# 地域');
      assert.ok((await bash.locator('span.hl-s').count()) >= 1);
      const toml = page.locator('.code-block code.language-toml');
      assert.equal((await toml.locator('span.hl-m').first().textContent()).trim(), '12');
      const colours = await tokenColours(page);
      assert.ok(Object.keys(colours).length >= 4, JSON.stringify(colours));
      for (const [name, colour] of Object.entries(colours)) {
        assert.equal(colour, palette[name], `${name} in ${colorScheme}`);
      }
      // Light and dark differ, so the dark palette really applies.
      const other = paletteOf()[colorScheme === 'light' ? 'dark' : 'light'];
      assert.notEqual(colours['hl-c'], other['hl-c']);
      // An unknown language is plain escaped text.
      const plain = page.locator('.code-block code.language-nosuchlanguage');
      assert.equal(await plain.locator('span').count(), 0);
      assert.equal(await plain.textContent(), PLAIN);
      assert.equal(await page.locator('[style]').count(), 0, 'no inline styles');
      assertClean(log);
      await context.close();
    });
  }

  test('the code inside a step keeps the step', async () => {
    const { context, page, log } = await openPage(browser, server.url + PAGE_URL);
    const step = page.locator('li.step#check-config');
    assert.equal(await step.count(), 1);
    assert.equal(await step.locator('code.language-toml').textContent(), TOML);
    assertClean(log);
    await context.close();
  });
});

describe('the copy button', () => {
  test('appears only with JavaScript', async () => {
    const { context, page } = await openPage(browser, server.url + PAGE_URL, {
      javaScriptEnabled: false,
    });
    assert.equal(await page.locator('.code-block').count(), 3);
    assert.equal(await page.locator('button').filter({ hasText: '复制' }).count(), 0);
    assert.equal(await page.locator('.code-copy, .code-tools').count(), 0);
    await context.close();

    const withScript = await openWithClipboard(server.url + PAGE_URL);
    assert.equal(await withScript.page.locator('.code-block .code-copy').count(), 3);
    assert.equal(await withScript.page.getByRole('button', { name: '复制' }).count(), 3);
    assertClean(withScript.log);
    await withScript.context.close();
  });

  test('copies the exact code and says so', async () => {
    const { context, page, log } = await openWithClipboard(server.url + PAGE_URL);
    const blocks = page.locator('.code-block');
    for (const [index, code] of [BASH, TOML, PLAIN].entries()) {
      await clearClipboard(page);
      const block = blocks.nth(index);
      await block.locator('.code-copy').click();
      await assertSays(block, '已复制');
      assert.equal(await clipboard(page), code, `block ${index}`);
    }
    // The words go away again, so the next copy is announced anew.
    await page.waitForFunction(
      () => document.querySelector('.code-block .code-copy-status').textContent === '',
      null,
      { timeout: 5000 },
    );
    assertClean(log);
    await context.close();
  });

  test('works from the keyboard', async () => {
    const { context, page, log } = await openWithClipboard(server.url + PAGE_URL);
    const blocks = page.locator('.code-block');
    // Tab reaches the first block's button.
    await page.locator('.code-block').first().locator('pre').evaluate((pre) => {
      pre.setAttribute('tabindex', '-1');
      pre.focus();
    });
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement.classList.contains('code-copy')),
      true,
      'the copy button is focusable in order',
    );
    await clearClipboard(page);
    await page.keyboard.press('Enter');
    await assertSays(blocks.first(), '已复制');
    assert.equal(await clipboard(page), BASH);
    await clearClipboard(page);
    await blocks.nth(1).locator('.code-copy').focus();
    await page.keyboard.press('Space');
    await assertSays(blocks.nth(1), '已复制');
    assert.equal(await clipboard(page), TOML);
    assertClean(log);
    await context.close();
  });

  test('without clipboard access says it failed and selects the code', async () => {
    const { context, page } = await openPage(browser, server.url + PAGE_URL, {
      permissions: [],
    });
    await page.waitForSelector('.code-copy');
    // Both ways of copying refused, as in a browser that allows neither.
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'clipboard', { value: undefined });
      document.execCommand = () => false;
    });
    const block = page.locator('.code-block').nth(1);
    await block.locator('.code-copy').click();
    await assertSays(block, '复制失败，请手动选择');
    // (A selection's text leaves out the block's final line break.)
    assert.equal(await page.evaluate(() => String(window.getSelection())), TOML.trimEnd());
    await context.close();
  });

  test('works from file://', async () => {
    const { context, page, log } = await openWithClipboard(fileUrl(output, PAGE_URL));
    assert.ok(page.url().startsWith('file://'));
    const block = page.locator('.code-block').first();
    await clearClipboard(page);
    await block.locator('.code-copy').click();
    await assertSays(block, '已复制');
    assert.equal(await clipboard(page), BASH);
    assert.equal(
      await block.locator('span.hl-c').first().evaluate((span) => getComputedStyle(span).color),
      paletteOf().light['hl-c'],
    );
    assertClean(log);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`axe-core finds nothing serious (${colorScheme}, after a copy)`, async () => {
      const { context, page } = await openWithClipboard(fileUrl(output, PAGE_URL), {
        colorScheme,
      });
      await page.locator('.code-block .code-copy').first().click();
      await assertSays(page.locator('.code-block').first(), '已复制');
      assert.equal(await page.locator('a.console-link').count(), 1);
      assert.equal(await page.locator('aside.admonition.warning strong').innerText(), '不可撤销');
      assert.deepEqual(await seriousAxeViolations(page), []);
      await context.close();
    });
  }
});

/** Waits until the block's status region says `words`. */
async function assertSays(block, words) {
  const status = block.locator('.code-copy-status[role="status"]');
  await status.filter({ hasText: words }).waitFor({ timeout: 5000 });
  assert.equal(await status.textContent(), words);
}
