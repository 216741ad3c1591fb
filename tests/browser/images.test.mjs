// Images in Chromium, under the strict Content-Security-Policy the test
// server sends (script-src 'self') and from file://: a remote image that
// does not load becomes a box with its alt text and a real link to its
// address, whether it failed before image-fallback.js ran or after;
// without JavaScript the image is inside a link to its address; a local
// image has its width and height, so nothing below it moves when it
// arrives; axe-core finds nothing serious in the fallback, light or dark.
//
// OFFBOARD_SHOTS=DIR saves phone screenshots of the fallback (light, dark).

import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import {
  buildSite,
  fileUrl,
  launch,
  openPage,
  seriousAxeViolations,
  serve,
  writeSite,
} from './support.mjs';

/** A real PNG of `width`×`height`, one grey. */
function png(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x88)]);
  const pixels = zlib.deflateSync(Buffer.concat(Array(height).fill(row)));
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SITE_TOML = 'title = "图片测试"\nlanguage = "zh-CN"\n';
const BROKEN = 'https://images.example/raw/shots/console-login.png';
const IN_LINK = 'https://badges.example/build.svg';
const WORKING = 'https://cdn.example/ok.png';

const PAGE = `+++
title = "截图"
+++

第一段文字。

![登录方式区域的截图](shot.png)

<p id="below">图片下面的文字。</p>

![控制台登录页，显示账号和密码输入框](${BROKEN})

[![构建状态](${IN_LINK})](https://ci.example/)

![能加载的图](${WORKING})
`;

describe('images', () => {
  let output;
  let server;
  let browser;

  before(async () => {
    const root = writeSite({
      'site.toml': SITE_TOML,
      'content/_index.md': '+++\ntitle = "首页"\n+++\n\n首页。\n',
      'content/shots/_index.md': PAGE,
      'content/shots/shot.png': png(600, 400),
    });
    output = buildSite({ root });
    server = await serve(output);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the page with the remote hosts of the broken images failing. */
  async function openWithBrokenImages(url, options = {}) {
    const { context, page, log } = await openPage(browser, url, { ready: false, ...options });
    return { context, page, log };
  }

  async function fallbacks(page) {
    await page.waitForSelector('.image-fallback', { timeout: 5000 });
    return page.$$eval('.image-fallback', (boxes) =>
      boxes.map((box) => ({
        text: box.textContent,
        alt: box.querySelector('.image-fallback-alt')?.textContent,
        link: box.querySelector('a.image-fallback-link')?.getAttribute('href') ?? null,
        inAuthorsLink: box.closest('a')?.getAttribute('href') ?? null,
        images: box.querySelectorAll('img').length,
      })),
    );
  }

  async function failRemote(context) {
    for (const host of ['images.example', 'badges.example']) {
      await context.route(`https://${host}/**`, (route) => route.abort('internetdisconnected'));
    }
  }

  test('a remote image that fails shows its alt text and a link to its address', async () => {
    const { context, page, log } = await openWithBrokenImages('about:blank', {
      viewport: { width: 390, height: 844 },
    });
    await failRemote(context);
    await page.goto(server.url + 'shots/index.html');
    await page.waitForFunction(() => document.querySelectorAll('.image-fallback').length === 2);
    const boxes = await fallbacks(page);
    assert.deepEqual(boxes[0], {
      text: '控制台登录页，显示账号和密码输入框图片未能加载，可打开原图： images.example/…/console-login.png（外部链接）',
      alt: '控制台登录页，显示账号和密码输入框',
      link: BROKEN,
      inAuthorsLink: null,
      images: 0,
    });
    // Inside the author's link: the address is text, the link stays.
    assert.equal(boxes[1].alt, '构建状态');
    assert.equal(boxes[1].link, null);
    assert.equal(boxes[1].inAuthorsLink, 'https://ci.example/');
    assert.match(boxes[1].text, /badges\.example\/build\.svg/);
    // The image that loads stays an image.
    assert.equal(await page.locator(`img[src="${WORKING}"]`).count(), 1);
    // Readable: a real box of text, not a thin strip.
    const box = await page.locator('.image-fallback').first().boundingBox();
    assert.ok(box.height >= 40 && box.width > 300, JSON.stringify(box));
    // The link is a real link, reached from the keyboard.
    const link = page.locator('a.image-fallback-link');
    await link.focus();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), BROKEN);
    assert.deepEqual(log.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
    await context.close();
  });

  test('an image that failed before the script ran gets the fallback too', async () => {
    const { context, page } = await openWithBrokenImages('about:blank');
    let failed;
    const imageFailed = new Promise((resolve) => (failed = resolve));
    await context.route(`https://images.example/**`, async (route) => {
      await route.abort('internetdisconnected');
      failed();
    });
    await context.route('**/assets/image-fallback.js', async (route) => {
      await imageFailed;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.goto(server.url + 'shots/index.html');
    await imageFailed;
    const boxes = await fallbacks(page);
    assert.equal(boxes[0].link, BROKEN);
    await context.close();
  });

  test('from file:// the fallback works as well', async () => {
    const { context, page } = await openWithBrokenImages('about:blank');
    await failRemote(context);
    await page.goto(fileUrl(output, 'shots/index.html'));
    const boxes = await fallbacks(page);
    assert.equal(boxes[0].link, BROKEN);
    await context.close();
  });

  test('without JavaScript a remote image is inside a link to its address', async () => {
    const { context, page } = await openWithBrokenImages(server.url + 'shots/index.html', {
      javaScriptEnabled: false,
    });
    const link = page.locator(`a.image-link[href="${BROKEN}"]`);
    assert.equal(await link.count(), 1);
    assert.equal(
      await link.locator('img').getAttribute('alt'),
      '控制台登录页，显示账号和密码输入框',
    );
    await context.close();
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`the fallback reads well in ${colorScheme} (axe-core, phone)`, async () => {
      const { context, page } = await openWithBrokenImages('about:blank', {
        viewport: { width: 390, height: 844 },
        colorScheme,
        bypassCSP: true,
      });
      await failRemote(context);
      await page.goto(server.url + 'shots/index.html');
      await page.waitForFunction(() => document.querySelectorAll('.image-fallback').length === 2);
      const colours = await page.$eval('.image-fallback', (box) => {
        const style = getComputedStyle(box);
        return { color: style.color, background: style.backgroundColor };
      });
      assert.notEqual(colours.color, colours.background);
      if (process.env.OFFBOARD_SHOTS) {
        await page.locator('.image-fallback').first().scrollIntoViewIfNeeded();
        await page.screenshot({
          path: path.join(process.env.OFFBOARD_SHOTS, `image-fallback-${colorScheme}.png`),
        });
      }
      assert.deepEqual(await seriousAxeViolations(page), []);
      await context.close();
    });
  }

  test('a local image has its size, so nothing below it moves when it arrives', async () => {
    const { context, page } = await openWithBrokenImages('about:blank', {
      viewport: { width: 390, height: 844 },
    });
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await context.route('**/shots/shot.png', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(server.url + 'shots/index.html', { waitUntil: 'domcontentloaded' });
    const img = page.locator('img[src="shot.png"]');
    assert.equal(await img.getAttribute('width'), '600');
    assert.equal(await img.getAttribute('height'), '400');
    const before = await page.evaluate(() => ({
      below: document.getElementById('below').getBoundingClientRect().top,
      loaded: document.querySelector('img[src="shot.png"]').naturalWidth,
    }));
    assert.equal(before.loaded, 0, 'the image is held back');
    release();
    await page.waitForFunction(
      () => document.querySelector('img[src="shot.png"]').naturalWidth === 600,
    );
    const after = await page.evaluate(() => ({
      below: document.getElementById('below').getBoundingClientRect().top,
      box: document.querySelector('img[src="shot.png"]').getBoundingClientRect().toJSON(),
      shifts: performance
        .getEntriesByType('layout-shift')
        .filter((entry) => entry.sources.some((s) => s.node && s.node.id === 'below')).length,
    }));
    assert.equal(after.below, before.below, 'the text below the image stays put');
    // Scaled to the column, in its own aspect ratio (max-width:100%; height:auto).
    assert.ok(after.box.width < 390, JSON.stringify(after.box));
    assert.ok(Math.abs(after.box.height / after.box.width - 400 / 600) < 0.02, JSON.stringify(after.box));
    assert.equal(after.shifts, 0);
    await context.close();
  });
});
