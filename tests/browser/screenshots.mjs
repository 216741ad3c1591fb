// Screenshots of the bundled guide for looking at the pages as a reader
// would: phone (390×844) and desktop (1280×900), light and dark, before and
// after ticking a few steps. Not a test; run it by hand after `cargo build`:
//
//   node tests/browser/screenshots.mjs [OUTPUT-FOLDER]   (default /tmp/offboard-shots)

import fs from 'node:fs';
import path from 'node:path';

import { buildSite, launch, openPage, serve } from './support.mjs';

const outDir = path.resolve(process.argv[2] || '/tmp/offboard-shots');
fs.mkdirSync(outDir, { recursive: true });

const pages = {
  home: 'index.html',
  guide: 'before-leaving/unbind-contacts/index.html',
  cancel: 'cancel-account/index.html',
  overview: 'checklist/index.html',
};
const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

const site = buildSite();
const server = await serve(site);
const browser = await launch();
try {
  for (const [scheme, colorScheme] of [['light', 'light'], ['dark', 'dark']]) {
    for (const [size, viewport] of Object.entries(viewports)) {
      const { context, page } = await openPage(browser, server.url + pages.home, {
        viewport,
        colorScheme,
        locale: 'zh-CN',
      });
      const shoot = async (name, state) => {
        const file = path.join(outDir, `${name}-${size}-${scheme}-${state}.png`);
        await page.screenshot({ path: file, fullPage: size === 'phone' ? false : true });
        console.log(file);
      };
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(server.url + url);
        await page.waitForSelector('body.checklist-ready', { state: 'attached' });
        await shoot(name, 'before');
      }
      // Tick some steps and choose a role, then look again.
      await page.goto(server.url + pages.guide);
      await page.waitForSelector('body.checklist-ready', { state: 'attached' });
      for (const id of ['unbind-phone', 'unbind-email', 'unbind-wecom']) {
        await page.check(`#step-${id}`);
      }
      await page.goto(server.url + 'before-leaving/index.html');
      await page.waitForSelector('body.checklist-ready', { state: 'attached' });
      await page.check('#step-identify-account-type');
      // On a phone the role filter is folded into one line: open it.
      if (await page.locator('.role-filter > summary').isVisible()) await page.click('.role-filter > summary');
      await page.getByRole('radio', { name: '离职员工' }).first().check();
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(server.url + url);
        await page.waitForSelector('body.checklist-ready', { state: 'attached' });
        await shoot(name, 'after');
      }
      await page.goto(server.url + 'cancel-account/index.html#click-cancel');
      await page.waitForTimeout(400);
      await shoot('cancel-notice', 'after');
      await page.goto(server.url + pages.overview);
      await page.waitForSelector('body.checklist-ready', { state: 'attached' });
      await page.evaluate(() => (window.print = () => {}));
      // On a phone the tools are folded into one line: open them.
      if (await page.locator('.tools-details > summary').isVisible()) await page.click('.tools-details > summary');
      await page.fill('#reader-name', '张三');
      await page.click('[data-print-record]');
      await page.waitForTimeout(300);
      await page.locator('[data-record]').screenshot({ path: path.join(outDir, `record-${size}-${scheme}.png`) });
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: path.join(outDir, `record-print-${size}-${scheme}.png`), fullPage: true });
      await page.emulateMedia({ media: 'screen' });
      await page.click('[data-record-close]');
      await page.click('[data-reset]');
      await page.waitForTimeout(200);
      await shoot('reset-dialog', 'after');
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
